// The ledger's Files table on a real (in-memory) Azurite: ownership, idempotent recording, uses, and what the sweep reads.
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../../src/store/ledger';
import { newId, useLedger } from '../store/use-ledger';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (minutes: number) => t0 + minutes * 60_000;
const fileId = () => newId('file').replace('file_', 'file-');

const upload = (overrides: Partial<FileRecord> = {}): FileRecord => ({
  fileId: fileId(),
  ownerId: 'alice',
  purpose: 'assistants',
  filename: 'holdings.csv',
  bytes: 42,
  contentType: 'text/csv',
  createdAt: t0,
  source: 'upload',
  ...overrides,
});

describe('ledger files', () => {
  const fx = useLedger();

  it('names its table after the prefix, like the other ledger tables', () => {
    expect(fx.ledger.tableNames.files).toBe(`${fx.config.LEDGER_TABLE_PREFIX}Files`);
  });

  it("reads a file back for its owner only, and another owner's like a missing one", async () => {
    const file = upload();
    expect(await fx.ledger.recordFile(file)).toEqual(file);
    expect(await fx.ledger.getOwnedFile(file.fileId, 'alice')).toEqual(file);
    expect(await fx.ledger.getOwnedFile(file.fileId, 'bob')).toBeNull();
    expect(await fx.ledger.getOwnedFile(fileId(), 'alice')).toBeNull();
  });

  it('keeps where a generated file was written', async () => {
    const file = upload({ purpose: 'assistants_output', source: 'generated', filename: 'chart.png', contentType: 'image/png', threadId: newId('thread'), runId: newId('run') });
    await fx.ledger.recordFile(file);
    expect(await fx.ledger.getOwnedFile(file.fileId, 'alice')).toEqual(file);
  });

  it('records idempotently: a repeat (even concurrent) keeps the first owner and fills in what was missing', async () => {
    const file = upload({ source: 'generated', purpose: 'assistants_output' });
    const results = await Promise.all([fx.ledger.recordFile(file), fx.ledger.recordFile(file), fx.ledger.recordFile({ ...file, ownerId: 'mallory' })]);
    expect(results.map((r) => r.fileId)).toEqual([file.fileId, file.fileId, file.fileId]);
    const stored = await fx.ledger.getOwnedFile(file.fileId, 'alice');
    const byMallory = await fx.ledger.getOwnedFile(file.fileId, 'mallory');
    // Exactly one owner won, whoever came first.
    expect([stored, byMallory].filter(Boolean)).toHaveLength(1);

    const later = { ...file, fileId: fileId(), threadId: undefined };
    await fx.ledger.recordFile(later);
    const filled = await fx.ledger.recordFile({ ...later, threadId: 'thread_abc', filename: 'other.csv' });
    expect(filled).toMatchObject({ threadId: 'thread_abc', filename: later.filename });
  });

  it('lists files created before a cutoff for the sweeper, and forgets deleted ones', async () => {
    const old = upload({ createdAt: Date.parse('2019-06-01T00:00:00.000Z') });
    const recent = upload({ createdAt: at(10) });
    await fx.ledger.recordFile(old);
    await fx.ledger.recordFile(recent);

    const listed = await fx.ledger.listFilesCreatedBefore(Date.parse('2020-01-01T00:00:00.000Z'), { limit: 100 });
    expect(listed.map((f) => f.fileId)).toContain(old.fileId);
    expect(listed.map((f) => f.fileId)).not.toContain(recent.fileId);
    expect(listed.find((f) => f.fileId === old.fileId)).toEqual(old);
    expect(await fx.ledger.listFilesCreatedBefore(at(60), { limit: 1 })).toHaveLength(1);

    expect(await fx.ledger.deleteFileRow(old.fileId)).toBe(true);
    expect(await fx.ledger.deleteFileRow(old.fileId)).toBe(false);
    expect(await fx.ledger.getOwnedFile(old.fileId, 'alice')).toBeNull();
    expect(await fx.ledger.getOwnedFile(recent.fileId, 'alice')).toEqual(recent);
  });

  it('records a file once, gathers the threads that use it, lists it for the sweep, and forgets it entirely', async () => {
    const [t1, t2] = [newId('thread'), newId('thread')];
    const file = upload({ source: 'generated', purpose: 'assistants_output', threadId: t1, createdAt: at(1) });
    await fx.ledger.recordFile(file);
    // Recording again (the sweep harvesting, another owner) keeps the first record.
    await fx.ledger.recordFile({ ...file, source: 'upload', ownerId: 'mallory', threadId: t2, createdAt: at(2) });
    await fx.ledger.recordFileUse(file.fileId, t2);
    await fx.ledger.recordFileUse(file.fileId, t1);

    const listed = (await fx.ledger.listFilesWithUses()).find((f) => f.fileId === file.fileId);
    // Where it was written and every use, once each, in order.
    expect(listed).toEqual({ ...file, threadIds: [t1, t2].sort() });

    expect(await fx.ledger.deleteFileRow(file.fileId)).toBe(true);
    expect((await fx.ledger.listFilesWithUses()).some((f) => f.fileId === file.fileId)).toBe(false);
    // A use noted after the file is forgotten does not bring it back.
    await fx.ledger.recordFileUse(file.fileId, t1);
    expect((await fx.ledger.listFilesWithUses()).some((f) => f.fileId === file.fileId)).toBe(false);
  });

  it('ignores uses of a file it never recorded (not known to be ours)', async () => {
    const id = fileId();
    await fx.ledger.recordFileUse(id, newId('thread'));
    expect((await fx.ledger.listFilesWithUses()).some((f) => f.fileId === id)).toBe(false);
    expect(await fx.ledger.listFilesCreatedBefore(at(60), { limit: 1000 })).not.toContainEqual(expect.objectContaining({ fileId: id }));
  });

  it('records a run output known only by id (the sweep harvesting), then takes name and size from a fuller record', async () => {
    const thread = newId('thread');
    const bare = { fileId: fileId(), ownerId: 'alice', purpose: 'assistants_output', source: 'generated', threadId: thread, createdAt: t0 } as const;
    const recorded = await fx.ledger.recordFile(bare);
    expect(recorded).toMatchObject({ ...bare, filename: bare.fileId, bytes: 0, contentType: 'application/octet-stream' });

    const full = await fx.ledger.recordFile({ ...bare, filename: 'chart.png', bytes: 99, contentType: 'image/png', runId: 'run_1' });
    expect(full).toEqual({ ...bare, filename: 'chart.png', bytes: 99, contentType: 'image/png', runId: 'run_1' });
    expect(await fx.ledger.getOwnedFile(bare.fileId, 'alice')).toEqual(full);
  });
});
