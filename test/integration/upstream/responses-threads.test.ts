// Threads, messages, files and steps on the Responses adapter against the real local server and Azurite:
// code interpreter images and files (container files, downloadable, recorded with their container), file_search
// attachments (the thread's vector store), message listing with attribution to our runs, steps, thread delete.
import { describe, expect, it } from 'vitest';
import { PNG_BASE64 } from '../../assistants-server/fixtures';
import { ID_PATTERNS } from '../../../src/api/schemas/ids';
import type { ThreadRunIndex } from '../../../src/upstream/port';
import { admin, call, drive, newThread, postMessage, useResponsesHarness } from './responses-support';

const h = useResponsesHarness();

const CSV = 'region,total\nnorth,10\nsouth,20\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function runIndex(threadId: string): Promise<ThreadRunIndex> {
  const { runs } = await h.ledger.ledger.listRuns(threadId, { limit: 100 });
  return {
    byUpstreamRunId: new Map(runs.flatMap((run) => (run.upstreamRunIds ?? []).map((id) => [id, run.runId] as [string, string]))),
    byUserMessageId: new Map(runs.flatMap((run) => (run.messageId ? [[run.messageId, run.runId] as [string, string]] : []))),
  };
}

const status = async (fetcher: () => Promise<unknown>) => fetcher().then(() => 200, (error: { status?: number }) => error.status);

describe('Responses threads, files and steps', () => {
  it('turns code interpreter output into container files the run owner can download', async () => {
    const upload = await h.upstream.files.upload({ name: 'input.csv', content: new Blob([CSV]), contentType: 'text/csv' });
    const { threadId, conversationId } = await newThread(h);
    await admin(h, 'script', {
      conversation_id: conversationId,
      turns: [
        { code_interpreter: { input: 'print(1)', logs: '1' } },
        { message: 'Your report: sandbox:/mnt/data/report.csv', files: [{ filename: 'report.csv', content_base64: b64(CSV) }], image_png_base64: PNG_BASE64 },
      ],
    });
    const run = await postMessage(h, threadId, 'Chart it', { attachments: [{ file_id: upload.fileId, tools: [{ type: 'code_interpreter' }] }] });
    const done = await drive(h, run);
    expect(done.status).toBe('completed');

    const thread = await h.ledger.ledger.getThread(threadId);
    expect(thread?.codeFileIds).toEqual([upload.fileId]);
    expect(thread?.containerId).toMatch(/^cntr_/);
    const inContainer = await h.client.containers.files.list(thread?.containerId as string);
    expect(inContainer.data.map((f) => f.path)).toContain('/mnt/data/input.csv');

    const [message] = (await h.ledger.ledger.listRunEvents(run.runId)).flatMap((e) => (e.type === 'message.completed' ? [e.data] : []));
    const image = message?.content.find((part) => part.type === 'image_file');
    const text = message?.content.find((part) => part.type === 'text');
    expect(image?.type === 'image_file' && image.image_file.file_id).toMatch(ID_PATTERNS.file);
    const link = text?.type === 'text' ? text.text.annotations.find((a) => a.type === 'file_path') : undefined;
    expect(link?.type === 'file_path' && link.text).toBe('sandbox:/mnt/data/report.csv');
    const reportId = link?.type === 'file_path' ? link.file_path.file_id : '';
    expect(reportId).toMatch(ID_PATTERNS.file);

    const record = await h.ledger.ledger.getOwnedFile(reportId, 'alice');
    expect(record).toMatchObject({ filename: 'report.csv', bytes: CSV.length, source: 'generated', containerId: thread?.containerId, runId: run.runId });
    const imageRecord = await h.ledger.ledger.getOwnedFile(image?.type === 'image_file' ? image.image_file.file_id : '', 'alice');
    expect(imageRecord).toMatchObject({ contentType: 'image/png', containerId: thread?.containerId });
    const content = await h.upstream.files.content(reportId, { containerId: record?.containerId });
    expect(await content.text()).toBe(CSV);
    expect(await h.upstream.files.delete(reportId, { containerId: record?.containerId })).toBe('deleted');
    expect(await h.upstream.files.delete(reportId, { containerId: record?.containerId })).toBe('already_gone');

    // The next run reuses the thread's live container.
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ code_interpreter: { input: 'print(2)' } }, { message: 'Again.' }] });
    const again = await drive(h, await postMessage(h, threadId, 'Again'));
    const steps = await h.upstream.steps.list(threadId, again.upstreamRunId as string, { limit: 20, order: 'asc' });
    expect(steps.data.map((s) => s.type)).toEqual(['tool_calls', 'message_creation']);
    const response = await h.client.responses.retrieve(again.upstreamRunId as string);
    expect(response.output.find((item) => item.type === 'code_interpreter_call')).toMatchObject({ container_id: thread?.containerId });
  });

  it('puts file_search attachments in the thread vector store and cites them', async () => {
    const upload = await h.upstream.files.upload({ name: 'banks.txt', content: new Blob(['First Bank of Nowhere failed in 2009.']), contentType: 'text/plain' });
    const { threadId, conversationId } = await newThread(h);
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ file_search: { queries: ['bank failed'] } }, { message: 'It failed in 2009.' }] });
    const run = await postMessage(h, threadId, 'When did it fail?', { attachments: [{ file_id: upload.fileId, tools: [{ type: 'file_search' }] }] });

    const thread = await h.ledger.ledger.getThread(threadId);
    const store = await h.client.vectorStores.retrieve(thread?.vectorStoreId as string);
    expect(store.metadata).toMatchObject({ app_deployment: 'resp-test', app_thread_id: threadId });
    expect(store.file_counts).toMatchObject({ completed: 1, in_progress: 0 });

    const done = await drive(h, run);
    expect(done.status).toBe('completed');
    const [message] = await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string);
    const text = message?.content[0];
    expect(text?.type === 'text' && text.text.annotations).toEqual([expect.objectContaining({ type: 'file_citation', file_citation: { file_id: upload.fileId } })]);
    const steps = await h.upstream.steps.list(threadId, done.upstreamRunId as string, { limit: 20, order: 'asc' });
    expect(steps.data.map((s) => s.tool_calls[0]?.type ?? s.type)).toEqual(['file_search', 'message_creation']);
  });

  it('lists messages page by page, attributed to the runs that wrote them', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'First answer.' }] });
    const first = await drive(h, await postMessage(h, threadId, 'First question', { assistantKey: 'plain' }));
    const second = await drive(h, await postMessage(h, threadId, call('get_stock_price', { symbol: 'MSFT' })));
    expect([first.status, second.status]).toEqual(['completed', 'completed']);
    // A direct reply (the copilot router's) after the user message of a run recorded without an upstream run.
    const direct = await postMessage(h, threadId, 'Just chat', { assistantKey: 'plain' });
    await h.upstream.threads.addAssistantMessage(threadId, { content: 'Directly answered.', runId: direct.runId });
    const runs = await runIndex(threadId);

    const all = await h.upstream.threads.listMessages(threadId, { limit: 100, order: 'asc' }, runs);
    expect(all.hasMore).toBe(false);
    expect(all.data.map((m) => [m.message.role, m.runId])).toEqual([
      ['user', first.runId],
      ['assistant', first.runId],
      ['user', second.runId],
      ['assistant', second.runId],
      ['user', direct.runId],
      ['assistant', direct.runId],
    ]);
    expect(all.data.every((m) => ID_PATTERNS.message.test(m.message.id) && m.message.thread_id === threadId)).toBe(true);
    expect(all.data[1]?.message.content).toEqual([{ type: 'text', text: { value: 'First answer.', annotations: [] } }]);
    // The API's message view reads our run id from the metadata (run_id stays null: a run is a chain of responses).
    expect(all.data.map((m) => [m.message.run_id, (m.message.metadata as Record<string, string>).app_run_id])).toEqual(all.data.map((m) => [null, m.runId]));

    // Desc pages that start with an assistant message still know its run (from the user message before the page).
    const newest = await h.upstream.threads.listMessages(threadId, { limit: 1, order: 'desc' }, runs);
    expect(newest).toMatchObject({ hasMore: true, data: [{ runId: direct.runId }] });
    const next = await h.upstream.threads.listMessages(threadId, { limit: 2, order: 'desc', after: all.data[4]?.message.id }, runs);
    expect(next.data.map((m) => [m.message.id, m.runId])).toEqual([
      [all.data[3]?.message.id, second.runId],
      [all.data[2]?.message.id, second.runId],
    ]);
    const page = await h.upstream.threads.listMessages(threadId, { limit: 2, order: 'asc', after: all.data[0]?.message.id }, runs);
    expect(page.data.map((m) => m.runId)).toEqual([first.runId, second.runId]);
    expect(page.hasMore).toBe(true);
  });

  it('lists a tool run as steps: the function call, then the message', async () => {
    const { threadId } = await newThread(h);
    const done = await drive(h, await postMessage(h, threadId, call('get_stock_price', { symbol: 'MSFT' })));
    const calls = await h.ledger.ledger.listToolCalls(done.runId);
    // Any response of the chain names the run.
    for (const upstreamRunId of done.upstreamRunIds ?? []) {
      const steps = await h.upstream.steps.list(threadId, upstreamRunId, { limit: 20, order: 'asc' });
      expect(steps.data.map((s) => s.type)).toEqual(['tool_calls', 'message_creation']);
      expect(steps.data[0]?.tool_calls).toEqual([{ id: calls[0]?.toolCallId, type: 'function', name: 'get_stock_price' }]);
      expect(steps.data.every((s) => ID_PATTERNS.step.test(s.id) && s.status === 'completed')).toBe(true);
      expect(steps.data[1]?.message_id).toMatch(ID_PATTERNS.message);
    }
    const desc = await h.upstream.steps.list(threadId, done.upstreamRunId as string, { limit: 1, order: 'desc' });
    expect(desc).toMatchObject({ hasMore: true, data: [{ type: 'message_creation' }] });
  });

  it('deletes the conversation, vector store and container of a thread; again is already gone', async () => {
    const upload = await h.upstream.files.upload({ name: 'notes.txt', content: new Blob(['notes']), contentType: 'text/plain' });
    const { threadId, conversationId } = await newThread(h);
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ code_interpreter: { input: 'print(3)' } }, { message: 'Done.' }] });
    await drive(h, await postMessage(h, threadId, 'go', { attachments: [{ file_id: upload.fileId, tools: [{ type: 'file_search' }, { type: 'code_interpreter' }] }] }));
    const thread = await h.ledger.ledger.getThread(threadId);
    expect(thread?.vectorStoreId).toBeTruthy();
    expect(thread?.containerId).toBeTruthy();

    expect(await h.upstream.threads.delete(threadId)).toBe('deleted');
    expect(await status(() => h.client.conversations.retrieve(conversationId))).toBe(404);
    expect(await status(() => h.client.vectorStores.retrieve(thread?.vectorStoreId as string))).toBe(404);
    expect(await status(() => h.client.containers.retrieve(thread?.containerId as string))).toBe(404);
    expect(await h.upstream.threads.delete(threadId)).toBe('already_gone');
    await h.ledger.ledger.purgeThread(threadId);
    expect(await h.upstream.threads.delete(threadId)).toBe('already_gone');
  });

  it('answers the probe', async () => {
    await expect(h.upstream.probe(AbortSignal.timeout(5_000))).resolves.toBeUndefined();
  });
});
