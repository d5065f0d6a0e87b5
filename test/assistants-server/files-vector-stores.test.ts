// Files (multipart upload, purpose filter, content, delete) and vector-store state
// (stores, files and batches that become completed with file_counts).
import { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

const upload = async (name: string, text: string, purpose: 'assistants' | 'user_data' = 'assistants') =>
  h.openai.files.create({ file: await toFile(Buffer.from(text), name), purpose });

describe('files', () => {
  it('uploads, lists by purpose, retrieves, downloads and deletes', async () => {
    const c = h.openai;
    const text = 'Symbol,Average_Cost,QTY\nMSFT,250,10\n';
    const csv = await upload('portfolio.csv', text);
    expect(csv).toMatchObject({ object: 'file', filename: 'portfolio.csv', purpose: 'assistants', bytes: Buffer.byteLength(text), status: 'processed' });
    expect(csv.id).toMatch(/^file-[A-Za-z0-9]{22}$/);
    const other = await upload('notes.txt', 'notes', 'user_data');

    const assistantsFiles = await c.files.list({ purpose: 'assistants' });
    expect(assistantsFiles.data.map((f) => f.id)).toContain(csv.id);
    expect(assistantsFiles.data.map((f) => f.id)).not.toContain(other.id);
    expect(await c.files.retrieve(csv.id)).toEqual(csv);
    const content = await c.files.content(csv.id);
    expect(content.headers.get('content-type')).toBe('text/csv');
    expect(await content.text()).toBe('Symbol,Average_Cost,QTY\nMSFT,250,10\n');

    expect(await c.files.delete(csv.id)).toEqual({ id: csv.id, object: 'file', deleted: true });
    expect(await errorOf(c.files.retrieve(csv.id))).toMatchObject({ status: 404 });
    expect(await errorOf(c.files.content(csv.id))).toMatchObject({ status: 404 });
  });

  it('uploads through the Azure and Foundry styles into the same store', async () => {
    const azure = await h.azure.files.create({ file: await toFile(Buffer.from('a'), 'a.txt'), purpose: 'assistants' });
    const foundry = await h.foundry.files.create({ file: await toFile(Buffer.from('b'), 'b.txt'), purpose: 'assistants' });
    expect((await h.openai.files.retrieve(azure.id)).filename).toBe('a.txt');
    expect(await (await h.azure.files.content(foundry.id)).text()).toBe('b');
  });
});

describe('vector stores', () => {
  it('creates a store from files that completes with file_counts', async () => {
    const c = h.openai;
    const a = await upload('a.md', 'alpha');
    const b = await upload('b.md', 'bravo!');
    const store = await c.vectorStores.create({ name: 'docs', file_ids: [a.id, b.id], metadata: { team: 'x' } });
    expect(store.id).toMatch(/^vs_[A-Za-z0-9]{24}$/);
    expect(store).toMatchObject({ object: 'vector_store', name: 'docs', status: 'in_progress', file_counts: { in_progress: 2, total: 2 } });

    const files = await c.vectorStores.files.list(store.id);
    expect(files.data.map((f) => f.id).sort()).toEqual([a.id, b.id].sort());
    const polled = await c.vectorStores.files.poll(store.id, a.id);
    expect(polled).toMatchObject({ status: 'completed', usage_bytes: 5, vector_store_id: store.id });
    await c.vectorStores.files.poll(store.id, b.id);
    const done = await c.vectorStores.retrieve(store.id);
    expect(done).toMatchObject({ status: 'completed', usage_bytes: 11, file_counts: { in_progress: 0, completed: 2, failed: 0, cancelled: 0, total: 2 } });
    expect((await c.vectorStores.files.list(store.id, { filter: 'completed' })).data).toHaveLength(2);

    const renamed = await c.vectorStores.update(store.id, { name: 'renamed', expires_after: { anchor: 'last_active_at', days: 2 } });
    expect(renamed.name).toBe('renamed');
    expect(renamed.expires_at).toBe(renamed.last_active_at! + 2 * 86_400);
    expect((await c.vectorStores.list()).data.map((s) => s.id)).toContain(store.id);

    expect(await c.vectorStores.files.delete(a.id, { vector_store_id: store.id })).toEqual({ id: a.id, object: 'vector_store.file.deleted', deleted: true });
    expect((await c.vectorStores.retrieve(store.id)).file_counts.total).toBe(1);
    const page = await c.vectorStores.files.content(b.id, { vector_store_id: store.id });
    expect(page.data.map((p) => p.text)).toEqual(['bravo!']);
    expect(await c.vectorStores.delete(store.id)).toEqual({ id: store.id, object: 'vector_store.deleted', deleted: true });
    expect(await errorOf(c.vectorStores.retrieve(store.id))).toMatchObject({ status: 404 });
  });

  it('adds files one by one and in batches with the SDK pollers', async () => {
    const c = h.openai;
    const store = await c.vectorStores.create({ name: 'batches' });
    expect(store).toMatchObject({ status: 'completed', file_counts: { total: 0 } });
    const one = await upload('one.txt', '1');
    const added = await c.vectorStores.files.createAndPoll(store.id, { file_id: one.id, attributes: { year: 2024 } });
    expect(added).toMatchObject({ status: 'completed', attributes: { year: 2024 } });
    const updated = await c.vectorStores.files.update(one.id, { vector_store_id: store.id, attributes: { year: 2025, final: true } });
    expect(updated.attributes).toEqual({ year: 2025, final: true });

    const two = await upload('two.txt', '22');
    const three = await upload('three.txt', '333');
    const batch = await c.vectorStores.fileBatches.createAndPoll(store.id, { file_ids: [two.id, three.id] });
    expect(batch.id).toMatch(/^vsfb_/);
    expect(batch).toMatchObject({ object: 'vector_store.files_batch', status: 'completed', file_counts: { completed: 2, in_progress: 0, total: 2 } });
    const inBatch = await c.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id });
    expect(inBatch.data.map((f) => f.id).sort()).toEqual([two.id, three.id].sort());

    const uploaded = await c.vectorStores.fileBatches.uploadAndPoll(store.id, { files: [await toFile(Buffer.from('four'), 'four.txt')] });
    expect(uploaded.status).toBe('completed');
    expect((await c.vectorStores.retrieve(store.id)).file_counts).toMatchObject({ completed: 4, total: 4 });
  });

  it('cancels a batch still in progress', async () => {
    const c = h.openai;
    const store = await c.vectorStores.create({});
    const file = await upload('c.txt', 'c');
    const batch = await c.vectorStores.fileBatches.create(store.id, { file_ids: [file.id] });
    expect(batch.status).toBe('in_progress');
    const cancelled = await c.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', file_counts: { cancelled: 1, total: 1 } });
  });

  it('creates a store for a thread from tool_resources.file_search.vector_stores', async () => {
    const c = h.openai;
    const file = await upload('kb.md', 'knowledge');
    const thread = await c.beta.threads.create({ tool_resources: { file_search: { vector_stores: [{ file_ids: [file.id] }] } } });
    const [id] = thread.tool_resources!.file_search!.vector_store_ids!;
    expect(id).toMatch(/^vs_/);
    expect((await c.vectorStores.files.list(id!)).data.map((f) => f.id)).toEqual([file.id]);
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [id!] } } });
    expect(assistant.tool_resources).toEqual({ file_search: { vector_store_ids: [id] } });
    expect(await errorOf(c.beta.assistants.create({ model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } }))).toMatchObject({ status: 404 });
  });
});
