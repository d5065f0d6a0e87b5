// The run worker on the real local stack: Azurite, the local Assistants server, the mail sink
// and the app in the local Functions host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunQueue } from '../../../src/store/run-queue';
import { emailIdempotencyKey } from '../../../src/tools/email/idempotency';
import { createStorageClients } from '../../../src/store/storage-clients';
import { apiClient, eventually, startStack, type Stack } from '../../support/stack';
import { isTerminal } from '../../../src/runs/run-facts';

let stack: Stack;
let quotes: http.Server;
const alice = () => apiClient(() => stack.api, 'alice');

beforeAll(async () => {
  // A Twelve Data-shaped market-data service (see local/market-data) that hangs for HANG and fails for BOOM.
  quotes = http.createServer((req, res) => {
    if (req.url?.includes('HANG')) return; // never answers
    if (req.url?.includes('BOOM')) return void res.writeHead(500).end('{"code":500,"message":"down","status":"error"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ symbol: 'MSFT', currency: 'USD', datetime: '2026-11-30', timestamp: 1796025600, close: '420.5' }));
  });
  await new Promise<void>((resolve) => quotes.listen(0, '127.0.0.1', resolve));
  stack = await startStack({
    env: {
      TOOL_TIMEOUT: '2s',
      RUN_RECHECK_INTERVAL: '1s',
      // Responses runs waiting on the frontend expire by the app's clock (Assistants: the service's 10 minutes).
      RUN_ACTION_TIMEOUT: '12s',
      STOCK_PRICE_PROVIDER: 'twelvedata',
      STOCK_PRICE_API_KEY: 'run-worker-test-key',
      STOCK_PRICE_URL: `http://127.0.0.1:${(quotes.address() as AddressInfo).port}`,
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  quotes?.closeAllConnections();
  quotes?.close();
});

/**
 * Assistants: the service expires a run 10 minutes after requires_action, on its own clock (moved forward here).
 * Responses: the app enforces RUN_ACTION_TIMEOUT (12 s in this file) on the real clock: the test just waits.
 */
async function letWaitingRunsExpire(): Promise<void> {
  if (stack.protocol !== 'assistants') return;
  await fetch(`${stack.assistants.url}/_admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: 601_000 }) });
}

async function newThread(): Promise<string> {
  const created = await alice().post('/threads', {});
  expect(created.status).toBe(201);
  return created.body!.id as string;
}

async function post(threadId: string, content: string) {
  const accepted = await alice().post(`/threads/${threadId}/messages`, { content });
  expect(accepted.status).toBe(202);
  expect(accepted.headers.get('location')).toContain(`/threads/${threadId}/runs/${accepted.body!.run.id}`);
  return accepted.body!.run.id as string;
}

async function finished(threadId: string, runId: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const run = await alice().get(`/threads/${threadId}/runs/${runId}`);
    return isTerminal(run.body?.status) ? run.body! : undefined;
  }, { timeoutMs });
}

async function mail(): Promise<Array<{ to: string; subject: string; content: string; idempotencyKey: string }>> {
  return ((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: never[] }).items;
}

async function replyOf(threadId: string, runId: string): Promise<string> {
  const messages = await alice().get(`/threads/${threadId}/messages?run_id=${runId}`);
  return messages.body!.data.map((m: { content: Array<{ text?: { value: string } }> }) => m.content.map((c) => c.text?.value ?? '').join('')).join('\n');
}

const call = (name: string, args: unknown) => `/call ${name} ${JSON.stringify(args)}`;

describe('run worker', () => {
  it('executes send_email through the Logic App contract and completes the run', async () => {
    await fetch(`${stack.mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await newThread();
    const runId = await post(threadId, `Please send it.\n${call('send_email', { to: 'bob@example.com', subject: 'Q3', content: '<p>Report</p>' })}`);
    const run = await finished(threadId, runId);

    expect(run.status).toBe('completed');
    expect(run.usage.total_tokens).toBeGreaterThan(0);
    expect(run.tool_calls).toHaveLength(1);
    expect(run.tool_calls[0]).toMatchObject({ name: 'send_email', owner: 'server', status: 'completed' });
    expect(JSON.parse(run.tool_calls[0].output)).toMatchObject({ ok: true, status: 202 });
    const sent = await mail();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'bob@example.com', subject: 'Q3', content: '<p>Report</p>', idempotencyKey: emailIdempotencyKey(run.tool_calls[0].id) });
    expect(await replyOf(threadId, runId)).toContain('send_email returned');
  });

  it('speaks only its own protocol upstream: on Responses a tool run makes no /threads or /assistants call', async () => {
    const stats = async () => ((await (await fetch(`${stack.assistants.url}/_admin/stats`)).json()) as { by_route: Record<string, number> }).by_route;
    const count = (routes: Record<string, number>, pattern: RegExp) => Object.entries(routes).reduce((sum, [route, n]) => sum + (pattern.test(route) ? n : 0), 0);
    const before = await stats();
    const threadId = await newThread();
    const runId = await post(threadId, call('get_stock_price', { symbol: 'MSFT' }));
    expect(await finished(threadId, runId)).toMatchObject({ status: 'completed', tool_calls: [expect.objectContaining({ name: 'get_stock_price', status: 'completed' })] });
    const after = await stats();
    const delta = (pattern: RegExp) => count(after, pattern) - count(before, pattern);
    const assistantsProtocol = /^\w+ \/(threads|assistants)(\/|$)/;
    const responsesProtocol = /^\w+ \/(responses|conversations)(\/|$)/;
    if (stack.protocol === 'responses') {
      expect(delta(assistantsProtocol)).toBe(0);
      expect(delta(responsesProtocol)).toBeGreaterThan(0);
    } else {
      expect(delta(responsesProtocol)).toBe(0);
      expect(delta(/^POST \/threads\/\{thread_id\}\/runs$/)).toBe(1);
    }
  });

  it('executes the tool once when the same queue message is delivered twice', async () => {
    await fetch(`${stack.mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await newThread();
    const runId = await post(threadId, call('send_email', { to: 'carol@example.com', subject: 'Twice?', content: '<p>Once</p>' }));
    // The duplicate: what an at-least-once queue may deliver again.
    const queue = createRunQueue({ RUN_QUEUE_NAME: 'runs' }, createStorageClients({ AzureWebJobsStorage: stack.azurite.connectionString }));
    await queue.send({ threadId, runId, generation: 0 });
    await queue.send({ threadId, runId, generation: 0 });

    expect((await finished(threadId, runId)).status).toBe('completed');
    // Give the duplicates time to be processed before counting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await mail()).filter((m) => m.subject === 'Twice?')).toHaveLength(1);
    const run = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
    expect(run.tool_calls).toHaveLength(1);
  });

  it('tells the model why when a tool times out, throws or gets invalid arguments', async () => {
    const threadId = await newThread();
    const runId = await post(
      threadId,
      [call('get_stock_price', { symbol: 'HANG' }), call('get_stock_price', { symbol: 'BOOM' }), call('send_email', { to: 5 })].join('\n'),
    );
    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');
    const outputs = Object.fromEntries(run.tool_calls.map((c: { arguments: string; output: string }) => [c.arguments, c.output.toLowerCase()]));
    expect(outputs['{"symbol":"HANG"}']).toMatch(/timed out|time/);
    expect(outputs['{"symbol":"BOOM"}']).toMatch(/error|fail/);
    expect(outputs['{"to":5}']).toMatch(/to/);
    expect(run.tool_calls.every((c: { status: string }) => c.status === 'failed')).toBe(true);
    // The model saw each failure as the tool's output.
    const reply = await replyOf(threadId, runId);
    expect(reply).toContain('get_stock_price returned');
    expect(reply).toContain('send_email returned');
  });

  it('hands client-side tool calls to the frontend and resumes with its outputs', async () => {
    const threadId = await newThread();
    const runId = await post(threadId, `Where am I?\n${call('get_user_location', {})}`);
    const waiting = await eventually(async () => {
      const run = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
      return run.status === 'requires_action' && run.required_action ? run : undefined;
    });
    expect(waiting.required_action.tool_calls).toEqual([expect.objectContaining({ name: 'get_user_location' })]);
    expect(waiting.tool_calls[0]).toMatchObject({ owner: 'client', status: 'pending' });

    const toolCallId = waiting.required_action.tool_calls[0].id;
    const submitted = await alice().post(`/threads/${threadId}/runs/${runId}/tool_outputs`, { tool_outputs: [{ tool_call_id: toolCallId, output: '{"city":"Lisbon"}' }] });
    expect(submitted.status).toBe(202);
    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');
    expect(await replyOf(threadId, runId)).toContain('Lisbon');
  });

  it('records a run abandoned in requires_action past expires_at as expired', async () => {
    const threadId = await newThread();
    const runId = await post(threadId, call('get_user_location', {}));
    await eventually(async () => ((await alice().get(`/threads/${threadId}/runs/${runId}`)).body!.status === 'requires_action' ? true : undefined));
    await letWaitingRunsExpire();
    const run = await finished(threadId, runId);
    expect(run.status).toBe('expired');
    // The thread is free for the next run.
    expect((await alice().post(`/threads/${threadId}/messages`, { content: 'still there?' })).status).toBe(202);
  });

  it('lets a pending approval expire with the run: the call is never executed and can no longer be approved', async () => {
    const created = await alice().post('/threads', { assistant: 'portfolio' });
    const threadId = created.body!.id as string;
    const runId = await post(threadId, call('send_email', { to: 'approver@example.com', subject: 'Report', content: '<p>hi</p>' }));
    const waiting = await eventually(async () => {
      const run = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
      return run.status === 'requires_action' && run.pending_approvals?.length ? run : undefined;
    });
    expect(waiting.tool_calls[0]).toMatchObject({ name: 'send_email', owner: 'server', status: 'pending', approval: 'pending' });
    await letWaitingRunsExpire();
    const run = await finished(threadId, runId);
    expect(run.status).toBe('expired');
    expect(run.pending_approvals).toEqual([]);
    const late = await alice().post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0].id, approve: true }] });
    expect(late.status).toBe(409);
    const mails = (await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: Array<{ to: string }> };
    expect(mails.items.filter((mail) => mail.to === 'approver@example.com')).toEqual([]);
  });

  it('cancels a run mid-way', async () => {
    const threadId = await newThread();
    await stack.script(threadId, [{ message: 'slow answer', delay_ms: 20_000 }]);
    const runId = await post(threadId, 'Take your time');
    await eventually(async () => ((await alice().get(`/threads/${threadId}/runs/${runId}`)).body!.status === 'in_progress' ? true : undefined));
    const cancelled = await alice().post(`/threads/${threadId}/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(202);
    const run = await finished(threadId, runId);
    expect(run.status).toBe('cancelled');
  });

  it('answers 409 naming the active run when a message arrives during a run', async () => {
    const threadId = await newThread();
    await stack.script(threadId, [{ message: 'done', delay_ms: 3_000 }]);
    const runId = await post(threadId, 'first');
    const second = await alice().post(`/threads/${threadId}/messages`, { content: 'second' });
    expect(second.status).toBe(409);
    expect(second.body!.error.code).toBe('run_active');
    expect(second.body!.error.message).toContain(runId);
    expect((await finished(threadId, runId)).status).toBe('completed');
  });
});
