// Runs on the Responses adapter, followed by the real worker: replies with token deltas, server and client tool
// calls answered in the next response of the chain, app-enforced expiry, cancel while running and while waiting on
// the frontend, duplicate deliveries, and that no Assistants route (/threads, /assistants) is ever called.
import { describe, expect, it } from 'vitest';
import { processRunMessage } from '../../../src/runs/worker';
import { submitClientToolOutputs, cancelRun } from '../../../src/runs/run-commands';
import { createLogger } from '../../../src/logging';
import { TOOL_OUTPUT_WINDOW_MS } from '../../../src/upstream/responses/state';
import { CHAIN_CLAIM_STALE_MS } from '../../../src/upstream/responses/runs';
import { ensureFilesUploaded, readDataFiles } from '../../../src/assistants/data-files';
import { admin, call, DEPLOYMENT, deliver, drive, newThread, postMessage, useResponsesHarness, type Harness } from './responses-support';

const h = useResponsesHarness();

const eventsOf = async (runId: string) => h.ledger.ledger.listRunEvents(runId);
const commandDeps = (x: Harness) => ({ upstream: x.upstream.runs, ledger: x.ledger.ledger, queue: x.worker().queue, logger: createLogger({ level: 'warn' }), now: x.now });

describe('Responses runs', () => {
  it('streams a plain reply as deltas and a completed message, on conversations and responses only', async () => {
    const before = await admin(h, 'stats');
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'Hello there, this reply is long enough to arrive in several pieces.' }] });
    const run = await postMessage(h, threadId, 'Hi', { assistantKey: 'plain' });
    const done = await drive(h, run);

    expect(done.status).toBe('completed');
    expect(done.usage?.total_tokens).toBeGreaterThan(0);
    expect(done.upstreamRunIds).toHaveLength(1);
    expect(done.upstreamRunId).toBe(done.upstreamRunIds?.[0]);
    const events = await eventsOf(run.runId);
    const deltas = events.flatMap((e) => (e.type === 'message.delta' ? [e.data.delta] : []));
    const completed = events.flatMap((e) => (e.type === 'message.completed' ? [e.data] : []));
    expect(completed).toHaveLength(1);
    expect(completed[0]?.content).toEqual([{ type: 'text', text: { value: 'Hello there, this reply is long enough to arrive in several pieces.', annotations: [] } }]);
    expect(deltas.join('')).toBe('Hello there, this reply is long enough to arrive in several pieces.');
    expect(events.filter((e) => e.type === 'run.status').map((e) => (e.type === 'run.status' ? e.data.status : ''))).toContain('completed');
    // The thread is free again.
    expect((await h.ledger.ledger.getThread(threadId))?.activeRunId).toBeUndefined();

    const after = await admin(h, 'stats');
    const used = Object.keys(after.by_route).filter((route) => after.by_route[route] !== before.by_route[route]);
    expect(used.some((route) => route.includes('/responses'))).toBe(true);
    expect(used.filter((route) => /\/(threads|assistants)\b/.test(route))).toEqual([]);
  });

  it('executes a server tool once and answers it with function_call_output in the next response of the chain', async () => {
    const before = await admin(h, 'stats');
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('get_stock_price', { symbol: 'MSFT' }));
    const done = await drive(h, run);

    expect(done.status).toBe('completed');
    expect(done.upstreamRunIds).toHaveLength(2);
    const calls = await h.ledger.ledger.listToolCalls(run.runId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'get_stock_price', owner: 'server', status: 'succeeded' });
    expect(calls[0]?.toolCallId).toMatch(/^call_/);
    const messages = await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string);
    expect(messages.map((m) => m.content[0]?.type === 'text' && m.content[0].text.value).join('\n')).toContain('get_stock_price returned');
    // The second response got the output: the model quoted it.
    const [first, second] = await Promise.all((done.upstreamRunIds ?? []).map((id) => h.client.responses.retrieve(id)));
    expect(second?.metadata).toMatchObject({ app_run_id: run.runId, app_deployment: 'resp-test' });
    // The run's usage is the chain's.
    expect(done.usage?.total_tokens).toBe((first?.usage?.total_tokens ?? 0) + (second?.usage?.total_tokens ?? 0));
    expect(first?.usage?.total_tokens).toBeGreaterThan(0);
    const after = await admin(h, 'stats');
    const used = Object.keys(after.by_route).filter((route) => after.by_route[route] !== before.by_route[route]);
    expect(used.filter((route) => /\/(threads|assistants)\b/.test(route))).toEqual([]);
  });

  it('follows several tool rounds, each answered by the next response of the chain', async () => {
    const { threadId, conversationId } = await newThread(h);
    await admin(h, 'script', {
      conversation_id: conversationId,
      turns: [
        { tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }, { name: 'get_stock_price', arguments: { symbol: 'AAPL' } }] },
        { tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'NVDA' } }] },
        { message: 'All three looked up.' },
      ],
    });
    const done = await drive(h, await postMessage(h, threadId, 'Prices?'));
    expect(done.status).toBe('completed');
    expect(done.upstreamRunIds).toHaveLength(3);
    const calls = await h.ledger.ledger.listToolCalls(done.runId);
    expect(calls.map((c) => JSON.parse(c.arguments).symbol).sort()).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(calls.every((c) => c.status === 'succeeded')).toBe(true);
    const messages = await h.upstream.runs.runMessages(threadId, done.upstreamRunIds?.[0] as string);
    expect(messages.map((m) => (m.content[0]?.type === 'text' ? m.content[0].text.value : ''))).toEqual(['All three looked up.']);
    expect(messages[0]?.metadata).toEqual({ app_run_id: done.runId });
  });

  it('puts a client tool call in requires_action and continues the chain with the submitted output', async () => {
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('confirm_choice', { question: 'Send?' }));
    const waiting = await drive(h, run);

    expect(waiting.status).toBe('requires_action');
    expect(waiting.expiresAt).toBeGreaterThan(h.now());
    const [pending] = await h.ledger.ledger.listToolCalls(run.runId);
    expect(pending).toMatchObject({ name: 'confirm_choice', owner: 'client', status: 'awaiting_client' });

    await submitClientToolOutputs(commandDeps(h), 'alice', threadId, run.runId, [{ tool_call_id: pending!.toolCallId, output: '{"choice":"Yes"}' }]);
    const done = await drive(h, run);
    expect(done.status).toBe('completed');
    const messages = await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string);
    expect(JSON.stringify(messages)).toContain('confirm_choice returned: {\\"choice\\":\\"Yes\\"}');
  });

  it('expires a run whose client outputs do not come in time, and refuses outputs after it', async () => {
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('confirm_choice', { question: 'Late?' }));
    const waiting = await drive(h, run);
    expect(waiting.status).toBe('requires_action');

    h.advance(TOOL_OUTPUT_WINDOW_MS + 1_000);
    const [pending] = await h.ledger.ledger.listToolCalls(run.runId);
    await expect(submitClientToolOutputs(commandDeps(h), 'alice', threadId, run.runId, [{ tool_call_id: pending!.toolCallId, output: '{}' }])).rejects.toMatchObject({ status: 409 });
    const { state } = await h.upstream.runs.retrieve(threadId, waiting.upstreamRunId as string);
    expect(state.status).toBe('expired');
    expect(await h.upstream.runs.submitToolOutputs(threadId, waiting.upstreamRunId as string, [{ tool_call_id: state.toolCalls[0]?.id ?? 'call_x', output: '{}' }])).toBeNull();
    const done = await drive(h, run);
    expect(done.status).toBe('expired');
    expect(done.upstreamRunIds).toHaveLength(1);
  });

  it('records a failed response as a failed run with its error', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ fail: { code: 'server_error', message: 'The model broke.' } }] });
    const done = await drive(h, await postMessage(h, threadId, 'Break', { assistantKey: 'plain' }));
    expect(done).toMatchObject({ status: 'failed', lastError: { code: 'server_error', message: 'The model broke.' } });
    expect((await h.ledger.ledger.getThread(threadId))?.activeRunId).toBeUndefined();
  });

  it('cancels a response in progress upstream', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'slow', delay_ms: 60_000 }] });
    const run = await postMessage(h, threadId, 'take your time', { assistantKey: 'plain' });
    // One short delivery starts the response and hands the run back (its follow budget is spent at once).
    await processRunMessage({ ...h.worker(), followBudgetMs: 300 }, { threadId, runId: run.runId, generation: 0 });
    const started = await h.ledger.ledger.getRun(threadId, run.runId);
    expect(started?.upstreamRunId).toMatch(/^resp_/);

    await cancelRun(commandDeps(h), 'alice', threadId, run.runId);
    expect((await h.client.responses.retrieve(started?.upstreamRunId as string)).status).toBe('cancelled');
    const done = await drive(h, run);
    expect(done.status).toBe('cancelled');
  });

  it('cancels a run waiting on client outputs (nothing upstream to cancel: the cancel wins)', async () => {
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('confirm_choice', { question: 'Cancel me?' }));
    expect((await drive(h, run)).status).toBe('requires_action');

    await cancelRun(commandDeps(h), 'alice', threadId, run.runId);
    const done = await drive(h, run);
    expect(done.status).toBe('cancelled');
    expect((await h.ledger.ledger.getThread(threadId))?.activeRunId).toBeUndefined();
  });

  it('answers the calls a cancelled run left open, so the thread takes its next run (the conversation would refuse it)', async () => {
    const { threadId } = await newThread(h);
    const first = await postMessage(h, threadId, call('confirm_choice', { question: 'Left open?' }));
    expect((await drive(h, first)).status).toBe('requires_action');
    await cancelRun(commandDeps(h), 'alice', threadId, first.runId);
    expect((await drive(h, first)).status).toBe('cancelled');

    const next = await postMessage(h, threadId, 'Still there?');
    const done = await drive(h, next);
    expect(done.status).toBe('completed');
    // The open call got an output saying its run ended, and the new run wrote its reply.
    const conversation = (await h.ledger.ledger.getThread(threadId))!.conversationId!;
    const items = (await h.client.conversations.items.list(conversation, { order: 'asc', limit: 100 })).data;
    const outputs = items.filter((item) => item.type === 'function_call_output');
    expect(outputs).toHaveLength(1);
    expect(JSON.stringify(outputs[0])).toContain('run_ended');
    expect((await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string)).filter((m) => m.role === 'assistant')).toHaveLength(1);
  });

  it('lets only one of two duplicate submits continue the chain; the other follows it', async () => {
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('confirm_choice', { question: 'Twice?' }));
    const waiting = await drive(h, run);
    const { state } = await h.upstream.runs.retrieve(threadId, waiting.upstreamRunId as string);
    const outputs = [{ tool_call_id: state.toolCalls[0]!.id, output: '{"choice":"No"}' }];

    const [a, b] = await Promise.all([
      h.upstream.runs.submitToolOutputs(threadId, state.id, outputs),
      h.upstream.runs.submitToolOutputs(threadId, state.id, outputs),
    ]);
    const winners = [a, b].filter((stream) => stream !== null);
    expect(winners).toHaveLength(1);
    for await (const update of winners[0]!) if (update.type === 'state' && update.state.status === 'completed') break;

    const chained = await h.ledger.ledger.getRun(threadId, run.runId);
    expect(chained?.upstreamRunIds).toHaveLength(2);
    // The old response id leads to the current one.
    const { state: followedState } = await h.upstream.runs.retrieve(threadId, state.id);
    expect(followedState.id).toBe(chained?.upstreamRunIds?.[1]);
    expect(followedState.status).toBe('completed');
    // Too late for a third submit as well.
    expect(await h.upstream.runs.submitToolOutputs(threadId, state.id, outputs)).toBeNull();
  });

  it('adopts the first response when the start message is delivered twice at once', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'Once.' }] });
    const run = await postMessage(h, threadId, 'Once?', { assistantKey: 'plain' });
    const message = { threadId, runId: run.runId, generation: 0 };
    await Promise.all([processRunMessage(h.worker(), message), processRunMessage(h.worker(), message)]);
    const done = await drive(h, run);
    expect(done.status).toBe('completed');
    expect(done.upstreamRunIds).toHaveLength(1);
    const replies = (await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string)).filter((m) => m.role === 'assistant');
    expect(replies).toHaveLength(1);
  });

  it('resumes a response past the follow budget after the last event handled (starting_after), without replaying it', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'Worth the wait.', delay_ms: 1_500 }] });
    const run = await postMessage(h, threadId, 'wait', { assistantKey: 'plain' });
    const first = await processRunMessage({ ...h.worker(), followBudgetMs: 300 }, { threadId, runId: run.runId, generation: 0 });
    expect(first).toMatchObject({ action: 'requeued', reason: 'follow budget used' });
    expect((await h.ledger.ledger.getRun(threadId, run.runId))?.streamCursor?.sequence).toBeGreaterThanOrEqual(0);

    const second = await deliver(h, run);
    expect(second).toMatchObject({ action: 'done', reason: 'completed' });
    const events = await eventsOf(run.runId);
    expect(events.filter((e) => e.type === 'message.completed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'run.status' && e.data.status === 'in_progress')).toHaveLength(1);
  });
});

describe('Responses runs: crashes and definitions', () => {
  it('retakes a claim whose holder died between claiming and creating the next response', async () => {
    const { threadId } = await newThread(h);
    const run = await postMessage(h, threadId, call('confirm_choice', { question: 'Crash?' }));
    const waiting = await drive(h, run);
    const [pending] = await h.ledger.ledger.listToolCalls(run.runId);
    await submitClientToolOutputs(commandDeps(h), 'alice', threadId, run.runId, [{ tool_call_id: pending!.toolCallId, output: '{"choice":"Yes"}' }]);
    // A delivery claimed the next link and died before creating it.
    expect(await h.ledger.ledger.claimResponseChain(threadId, run.runId, { from: waiting.upstreamRunId as string, at: h.now(), staleMs: CHAIN_CLAIM_STALE_MS })).toBe('claimed');

    expect(await deliver(h, run)).toMatchObject({ action: 'requeued', reason: 'upstream in_progress' });
    expect((await h.ledger.ledger.getRun(threadId, run.runId))?.upstreamRunIds).toHaveLength(1);

    h.advance(CHAIN_CLAIM_STALE_MS);
    const done = await drive(h, run);
    expect(done.status).toBe('completed');
    expect(done.upstreamRunIds).toHaveLength(2);
    expect(done.chainClaim).toBeUndefined();
  });

  it('adopts the response a delivery created and linked before dying, instead of creating another', async () => {
    const { threadId, conversationId } = await newThread(h, 'plain');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ message: 'Only once.', delay_ms: 300 }] });
    const run = await postMessage(h, threadId, 'Once', { assistantKey: 'plain' });
    // The dying delivery: it starts the response, sees its first event (the link), and is gone before recording it.
    const started = await h.upstream.runs.start({ threadId, runId: run.runId, assistantId: 'plain' });
    if (!('stream' in started)) throw new Error('expected a new response');
    for await (const update of started.stream) if (update.type === 'state') break;
    started.stream.abort();
    const orphaned = await h.ledger.ledger.getRun(threadId, run.runId);
    expect(orphaned?.upstreamRunId).toBeUndefined();
    expect(orphaned?.upstreamRunIds).toHaveLength(1);

    const done = await drive(h, run);
    expect(done.status).toBe('completed');
    expect(done.upstreamRunIds).toEqual(orphaned?.upstreamRunIds);
    const replies = (await h.upstream.runs.runMessages(threadId, done.upstreamRunId as string)).filter((m) => m.role === 'assistant');
    expect(replies.map((m) => (m.content[0]?.type === 'text' ? m.content[0].text.value : ''))).toEqual(['Only once.']);
    // The worker read the reply once at the end, since nobody streamed it.
    expect((await eventsOf(run.runId)).filter((e) => e.type === 'message.completed')).toHaveLength(1);
  });

  it("offers a definition's synced data files in the run's container", async () => {
    const logger = createLogger({ level: 'warn' });
    const uploaded = await ensureFilesUploaded(h.client, DEPLOYMENT, await readDataFiles('data', ['banking/failed_banks.csv']), logger);
    const fileId = uploaded.ids.get('banking/failed_banks.csv') as string;
    const { threadId, conversationId } = await newThread(h, 'analyst');
    await admin(h, 'script', { conversation_id: conversationId, turns: [{ code_interpreter: { input: 'print(len(df))' } }, { message: 'Counted.' }] });
    const done = await drive(h, await postMessage(h, threadId, 'How many?', { assistantKey: 'analyst' }));
    expect(done.status).toBe('completed');
    const containerId = (await h.ledger.ledger.getThread(threadId))?.containerId as string;
    const files = await h.client.containers.files.list(containerId);
    const original = await h.client.files.retrieve(fileId);
    expect(files.data.map((f) => f.path)).toContain(`/mnt/data/${original.filename}`);
  });

  it('does not start a run whose definition files were never synced: it waits (transient) for the sync', async () => {
    const { threadId } = await newThread(h, 'unsynced');
    const run = await postMessage(h, threadId, 'Go', { assistantKey: 'unsynced' });
    // The adapter's 503 upstream_unavailable ("run the sync") is transient for the worker: re-queued with backoff.
    expect(await deliver(h, run)).toMatchObject({ action: 'requeued', reason: 'transient failure 1' });
    // Nothing was created, and the claim was given up for the retry.
    const after = await h.ledger.ledger.getRun(threadId, run.runId);
    expect(after?.upstreamRunIds ?? []).toEqual([]);
    expect(after?.chainClaim).toBeUndefined();
  });
});
