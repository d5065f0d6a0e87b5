// The Assistants adapter of the upstream port (src/upstream/assistants/) against the real local server: threads and
// messages with their attribution to our runs, run steps, files, gone-is-deleted, and the probe. Assistants-only by
// nature (it asserts the protocol's own objects); the Responses adapter has its own suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { loadConfig } from '../../../src/config';
import { METADATA_KEYS } from '../../../src/runs/run-facts';
import { createUpstreamClient } from '../../../src/upstream';
import { createAssistantsUpstream } from '../../../src/upstream/assistants';
import type { Upstream } from '../../../src/upstream/port';

let server: RunningAssistantsServer;
let upstream: Upstream;
let client: ReturnType<typeof createUpstreamClient>;

beforeAll(async () => {
  server = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
  client = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url, UPSTREAM_PROTOCOL: 'assistants' }));
  upstream = createAssistantsUpstream(client, 'dep-adapter');
});
afterAll(() => server?.close());

const noRuns = { byUpstreamRunId: new Map<string, string>(), byUserMessageId: new Map<string, string>() };

describe('the Assistants adapter', () => {
  it('creates a thread tagged with the deployment and assistant key, with no conversation binding', async () => {
    const created = await upstream.threads.create({ assistantKey: 'sales' });
    expect(created).toEqual({ threadId: expect.stringMatching(/^thread_/) });
    const thread = await client.beta.threads.retrieve(created.threadId);
    expect(thread.metadata).toMatchObject({ [METADATA_KEYS.deployment]: 'dep-adapter', [METADATA_KEYS.assistant]: 'sales' });
  });

  it('attributes messages to our runs: by upstream run, by user message, by the run id a direct reply carries', async () => {
    const { threadId } = await upstream.threads.create({ assistantKey: 'default' });
    const { messageId } = await upstream.threads.addUserMessage(threadId, { content: 'Hello', metadata: { topic: 'greeting' }, runId: 'run_ours1' });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' });
    const run = await client.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistant.id });
    expect(run.status).toBe('completed');
    const direct = await upstream.threads.addAssistantMessage(threadId, { content: 'A direct answer', runId: 'run_ours2' });
    expect(direct).toMatchObject({ role: 'assistant', metadata: { [METADATA_KEYS.runId]: 'run_ours2' } });

    const runs = { byUpstreamRunId: new Map([[run.id, 'run_ours1']]), byUserMessageId: new Map([[messageId, 'run_ours1']]) };
    const page = await upstream.threads.listMessages(threadId, { limit: 10, order: 'asc' }, runs);
    expect(page.hasMore).toBe(false);
    expect(page.data.map(({ message, runId }) => [message.role, runId])).toEqual([
      ['user', 'run_ours1'],
      ['assistant', 'run_ours1'],
      ['assistant', 'run_ours2'],
    ]);
    // The caller's metadata and our run id both reach the user message.
    expect(page.data[0]!.message.metadata).toMatchObject({ topic: 'greeting', [METADATA_KEYS.runId]: 'run_ours1' });

    // An assistant message of a run the ledger no longer knows has no run.
    expect((await upstream.threads.listMessages(threadId, { limit: 10, order: 'asc' }, noRuns)).data[1]!.runId).toBeNull();
    // Paging: one at a time, newest first.
    const first = await upstream.threads.listMessages(threadId, { limit: 1, order: 'desc' }, runs);
    expect(first).toMatchObject({ hasMore: true, data: [{ runId: 'run_ours2' }] });
    const second = await upstream.threads.listMessages(threadId, { limit: 1, order: 'desc', after: first.data[0]!.message.id }, runs);
    expect(second.data.map((m) => m.runId)).toEqual(['run_ours1']);

    const steps = await upstream.steps.list(threadId, run.id, { limit: 10, order: 'asc' });
    expect(steps.data).toEqual([expect.objectContaining({ id: expect.stringMatching(/^step_/), type: 'message_creation', status: 'completed', message_id: page.data[1]!.message.id, tool_calls: [] })]);
    expect((await upstream.runs.runMessages(threadId, run.id)).map((m) => m.id)).toEqual([page.data[1]!.message.id]);
  });

  it('deletes a thread once and then answers already_gone', async () => {
    const { threadId } = await upstream.threads.create({ assistantKey: 'default' });
    expect(await upstream.threads.delete(threadId)).toBe('deleted');
    expect(await upstream.threads.delete(threadId)).toBe('already_gone');
  });

  it('uploads, downloads and deletes a file (a second delete is already_gone)', async () => {
    const uploaded = await upstream.files.upload({ name: 'notes.txt', content: new Blob(['hello file']), contentType: 'text/plain' });
    expect(uploaded).toEqual({ fileId: expect.stringMatching(/^file-/), bytes: 10 });
    expect(await (await upstream.files.content(uploaded.fileId)).text()).toBe('hello file');
    expect(await upstream.files.delete(uploaded.fileId)).toBe('deleted');
    expect(await upstream.files.delete(uploaded.fileId)).toBe('already_gone');
  });

  it('probes with one cheap call, and rejects when the service is not there', async () => {
    await expect(upstream.probe(AbortSignal.timeout(2_000))).resolves.toBeUndefined();
    const nowhere = createAssistantsUpstream(createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: 'http://127.0.0.1:9', UPSTREAM_PROTOCOL: 'assistants' })), 'x');
    await expect(nowhere.probe(AbortSignal.timeout(2_000))).rejects.toBeTruthy();
  });
});
