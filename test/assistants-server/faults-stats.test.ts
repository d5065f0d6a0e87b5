// Admin API: injected faults the SDK's retries absorb (429 with Retry-After, 500, resets, latency),
// the headers every response carries, and GET /_admin/stats with templates normalised across URL styles.
import { afterEach, describe, expect, it } from 'vitest';
import { sendEmailTool } from './fixtures';
import { AZURE_API_VERSION, useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

afterEach(async () => {
  await h.admin.faults({});
});

describe('faults', () => {
  it('sends 429 with Retry-After and retry-after-ms, and the SDK retries through them', async () => {
    await h.admin.faults({ rate_429: 1, retry_after_ms: 20 });
    const response = await h.fetch(`${h.url}/v1/files`, { headers: { authorization: 'Bearer k' } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('retry-after-ms')).toBe('20');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    // Admin routes are never faulted.
    expect((await h.admin.stats()).requests_total).toBeGreaterThan(0);

    await h.admin.faults({ rate_429: 0.5, retry_after_ms: 10, seed: 7 });
    const client = h.client({ maxRetries: 12 });
    const before = (await h.admin.stats()).requests_total;
    for (let i = 0; i < 10; i++) await client.beta.assistants.create({ model: 'gpt-4o' });
    const after = (await h.admin.stats()).requests_total;
    expect(after - before).toBeGreaterThan(10);
  });

  it('absorbs server errors and connection resets with retries', async () => {
    await h.admin.faults({ rate_500: 0.3, rate_reset: 0.3, seed: 11 });
    const client = h.client({ maxRetries: 15 });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'hello' }] });
    const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('completed');
  });

  it('adds latency within the configured range', async () => {
    await h.admin.faults({ latency_ms: [150, 200] });
    const started = Date.now();
    await h.openai.files.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses an invalid fault configuration', async () => {
    const response = await fetch(`${h.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ rate_429: 2 }) });
    expect(response.status).toBe(400);
  });
});

describe('headers', () => {
  it('sends x-request-id, rate-limit headers and the poll hint', async () => {
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    const { data: run, response } = await h.openai.beta.threads.createAndRun({ assistant_id: assistant.id }).withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-poll-after-ms')).toMatch(/^\d+$/);
    expect(Number(response.headers.get('x-ratelimit-limit-requests'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(Number(response.headers.get('x-ratelimit-limit-requests')));
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/s$/);
    const read = await h.openai.beta.threads.runs.retrieve(run.id, { thread_id: run.thread_id }).withResponse();
    expect(read.response.headers.get('openai-poll-after-ms')).toMatch(/^\d+$/);
    const missing = await h.fetch(`${h.url}/v1/assistants/asst_missing`, { headers: { authorization: 'Bearer k', 'openai-beta': 'assistants=v2' } });
    expect(missing.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('stats', () => {
  it('counts requests by route template across URL styles and by run', async () => {
    await h.admin.reset();
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const thread = await h.openai.beta.threads.create({ messages: [{ role: 'user', content: '/call send_email {}' }] });
    const run = await h.openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    await h.azure.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    await h.foundry.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    const call = run.required_action!.submit_tool_outputs.tool_calls[0]!;
    await h.openai.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: 'x' }] });

    const stats = await h.admin.stats();
    const getRun = stats.by_route['GET /threads/{thread_id}/runs/{run_id}']!;
    expect(getRun).toBeGreaterThanOrEqual(4);
    expect(stats.by_route['POST /assistants']).toBe(1);
    expect(stats.by_route['POST /threads/{thread_id}/runs']).toBe(1);
    expect(stats.by_route['POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs']).toBe(1);
    expect(stats.requests_total).toBe(Object.values(stats.by_route).reduce((a, b) => a + b, 0));
    const perRun = stats.by_run[run.id]!;
    expect(perRun.status).toBe('completed');
    expect(perRun.calls).toBe(getRun + 2);
    expect(perRun.requires_action_at_ms).not.toBeNull();
    expect(perRun.terminal_at_ms).toBeGreaterThanOrEqual(perRun.requires_action_at_ms!);

    await h.azure.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect((await h.admin.stats()).by_route['POST /chat/completions']).toBe(1);
    expect((await h.fetch(`${h.url}/openai/deployments/gpt-4o/chat/completions?api-version=${AZURE_API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'y' }] }),
    })).status).toBe(200);
    expect((await h.admin.stats()).by_route['POST /chat/completions']).toBe(2);
  });

  it('answers the health probe', async () => {
    const response = await fetch(`${h.url}/_admin/health`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reset forgets every resource', async () => {
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    await h.admin.reset();
    expect((await h.openai.beta.assistants.list()).data).toEqual([]);
    expect((await h.fetch(`${h.url}/v1/assistants/${assistant.id}`, { headers: { authorization: 'Bearer k', 'openai-beta': 'assistants=v2' } })).status).toBe(404);
  });
});
