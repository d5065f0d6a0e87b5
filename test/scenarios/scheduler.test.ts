// Scenario: the scheduler assistant (assistants/scheduler.json) uses the calendar MCP server (local/mcp-server)
// through the whole stack, on either upstream protocol: its tools reach the model as `calendar__*` function tools,
// the worker runs the calls on the MCP server with the built-in tools' guarantees (ledger claim, approval, exactly
// once), and the outputs reach the model. The acting tool create_event needs the user's approval and is not
// idempotent: a host killed between the MCP call and its recorded outcome leaves it unknown_outcome, never called
// twice. A server that is down is a clear tool error and the run goes on.
/* eslint-disable @typescript-eslint/no-explicit-any -- upstream bodies are read loosely */
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/store/ledger';
import { createStorageClients } from '../../src/store/storage-clients';
import { eventually, useStack } from '../support/stack';
import { scenario, textOf } from './support';

let killOnCreate = false;
const stack = useStack({
  env: {
    // A killed worker's call is taken over soon: claims older than 2 × TOOL_TIMEOUT, runs stalled for 6 s.
    LOCAL_HOST_QUEUE_LEASE_SECONDS: '600',
    RECONCILE_SCHEDULE: '* * * * * *',
    RUN_STALL_TIMEOUT: '6s',
    RUN_FOLLOW_BUDGET: '1s',
    TOOL_TIMEOUT: '4s',
  },
  onMcpCall: (tool) => {
    if (tool === 'create_event' && killOnCreate) {
      killOnCreate = false;
      // Dies while the MCP server runs the call: before the worker can record its outcome.
      stack().host.kill('SIGKILL');
    }
  },
});
const s = scenario(stack, 'planner');
const mcp = () => stack().mcp;

/** The tool outputs the model service holds for the thread, by function name: what the model was given. */
async function upstreamToolOutputs(threadId: string): Promise<Array<{ name: string; output: string }>> {
  const base = stack().assistants.url;
  const get = async (route: string) => (await (await fetch(`${base}${route}`, { headers: { authorization: 'Bearer x', 'openai-beta': 'assistants=v2' } })).json()) as { data: Array<Record<string, any>> };
  const thread = await stack().upstreamThreadPath(threadId);
  if (stack().protocol === 'responses') {
    const items = (await get(`${thread}/items?limit=100&order=asc`)).data;
    const names = new Map(items.filter((i) => i.type === 'function_call').map((i) => [i.call_id as string, i.name as string]));
    return items.filter((i) => i.type === 'function_call_output').map((i) => ({ name: names.get(i.call_id)!, output: i.output as string }));
  }
  const outputs: Array<{ name: string; output: string }> = [];
  for (const run of (await get(`${thread}/runs?limit=100`)).data) {
    for (const step of (await get(`${thread}/runs/${run.id}/steps?limit=100`)).data) {
      for (const call of step.step_details?.tool_calls ?? []) if (call.type === 'function') outputs.push({ name: call.function.name, output: call.function.output });
    }
  }
  return outputs;
}

/** The function tools the model was offered for the run: the upstream assistant's (Assistants) or the run's response's (Responses). */
async function offeredFunctions(threadId: string, runId: string): Promise<Array<{ name: string; parameters: any }>> {
  const base = stack().assistants.url;
  const get = async (route: string) => (await (await fetch(`${base}${route}`, { headers: { authorization: 'Bearer x', 'openai-beta': 'assistants=v2' } })).json()) as Record<string, any>;
  const env = stack().env;
  const ledger = createLedger({ LEDGER_TABLE_PREFIX: env.LEDGER_TABLE_PREFIX ?? 'ledger' }, createStorageClients({ AzureWebJobsStorage: env.AzureWebJobsStorage! }));
  const run = (await ledger.getRun(threadId, runId))!;
  if (stack().protocol === 'responses') {
    const response = await get(`/v1/responses/${run.upstreamRunIds![0]}`);
    return (response.tools as any[]).filter((t) => t.type === 'function').map((t) => ({ name: t.name, parameters: t.parameters }));
  }
  const upstreamRun = await get(`${await stack().upstreamThreadPath(threadId)}/runs/${run.upstreamRunId}`);
  return (upstreamRun.tools as any[]).filter((t) => t.type === 'function').map((t) => ({ name: t.function.name, parameters: t.function.parameters }));
}

const booking = { title: 'Design review', start: '2026-12-02T10:00:00Z', durationMinutes: 30, attendees: ['ana@example.com'] };

describe('scenario: Scheduler (calendar MCP server)', () => {
  it('reads the calendar through MCP tools; their outputs reach the model', async () => {
    mcp().reset();
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [
      { tool_calls: [{ name: 'calendar__list_events', arguments: { date: '2026-12-02' } }, { name: 'calendar__find_free_slot', arguments: { date: '2026-12-02', durationMinutes: 30 } }] },
      { message: 'On 2 December you have the stand-up at 09:00 and the quarterly review at 14:00; 09:30 is free.' },
    ]);
    const runId = await s.ask(threadId, 'What is on my calendar on 2 December, and when am I free for 30 minutes?');
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'scheduler' });
    expect(run.tool_calls.map((call) => [call.name, call.status, call.owner]).sort()).toEqual([
      ['calendar__find_free_slot', 'completed', 'server'],
      ['calendar__list_events', 'completed', 'server'],
    ]);
    expect(mcp().stats().calls).toMatchObject({ list_events: 1, find_free_slot: 1 });
    // Offered as function tools with the MCP server's input schemas.
    const offered = await offeredFunctions(threadId, runId);
    expect(offered.map((t) => t.name)).toEqual(['calendar__list_events', 'calendar__find_free_slot', 'calendar__create_event']);
    expect(offered[2]!.parameters).toMatchObject({ type: 'object', properties: { title: { type: 'string' }, start: { type: 'string' } } });
    // What the model was given: the MCP results, through the upstream's own record of the tool outputs.
    const outputs = await upstreamToolOutputs(threadId);
    expect(outputs.find((o) => o.name === 'calendar__list_events')?.output).toContain('Quarterly review');
    expect(JSON.parse(outputs.find((o) => o.name === 'calendar__find_free_slot')!.output!)).toMatchObject({ structuredContent: { start: '2026-12-02T09:30:00.000Z' } });
    expect(textOf(await s.reply(threadId, runId))).toContain('09:30 is free');
  });

  it('books only after the user approves, exactly once', async () => {
    mcp().reset();
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [{ tool_calls: [{ name: 'calendar__create_event', arguments: booking }] }, { message: 'Booked the design review at 10:00.' }]);
    const runId = await s.ask(threadId, 'Book a design review with Ana on 2 December at 10:00 for 30 minutes.');
    const waiting = await s.awaitingApproval(threadId, runId);
    expect(waiting.pending_approvals.map((call) => call.name)).toEqual(['calendar__create_event']);
    expect(mcp().stats().calls.create_event).toBe(0);
    const approved = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0]!.id, approve: true }] });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    const run = await s.finished(threadId, runId);
    expect(run.status).toBe('completed');
    expect(run.tool_calls[0]).toMatchObject({ name: 'calendar__create_event', status: 'completed', approval: 'approved' });
    expect(JSON.parse(run.tool_calls[0]!.output!)).toMatchObject({ structuredContent: { event: { title: 'Design review' } } });
    expect(mcp().stats().calls.create_event).toBe(1);
    expect(mcp().stats().events.filter((e) => e.title === 'Design review')).toHaveLength(1);
  });

  it('never books what the user denies, and tells the model why', async () => {
    mcp().reset();
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [{ tool_calls: [{ name: 'calendar__create_event', arguments: booking }] }, { message: 'All right, I did not book it.' }]);
    const runId = await s.ask(threadId, 'Book a design review with Ana on 2 December at 10:00.');
    const waiting = await s.awaitingApproval(threadId, runId);
    const denied = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0]!.id, approve: false, reason: 'Ana is on leave' }] });
    expect(denied.status).toBe(202);
    const run = await s.finished(threadId, runId);
    expect(run.status).toBe('completed');
    expect(run.tool_calls[0]).toMatchObject({ status: 'cancelled', approval: 'denied' });
    expect(JSON.parse(run.tool_calls[0]!.output!)).toMatchObject({ error: 'denied_by_user', message: expect.stringContaining('Ana is on leave') });
    expect(mcp().stats().calls.create_event).toBe(0);
  });

  it('a host killed between the MCP call and its recorded outcome: unknown_outcome, never a second create_event', async () => {
    mcp().reset();
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [
      { tool_calls: [{ name: 'calendar__create_event', arguments: booking }] },
      { message: 'I could not confirm the booking; please check your calendar before I try again.' },
    ]);
    const runId = await s.ask(threadId, 'Book a design review with Ana on 2 December at 10:00.');
    const waiting = await s.awaitingApproval(threadId, runId);
    killOnCreate = true;
    await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0]!.id, approve: true }] });
    await stack().host.exited;
    expect(mcp().stats().calls.create_event).toBe(1);
    await stack().restartHost();
    const run = await s.finished(threadId, runId, 90_000);
    expect(run.status).toBe('completed');
    expect(run.tool_calls[0]).toMatchObject({ name: 'calendar__create_event', status: 'failed' });
    expect(JSON.parse(run.tool_calls[0]!.output!)).toMatchObject({ error: 'outcome_unknown' });
    const steps = await upstreamToolOutputs(threadId);
    expect(JSON.parse(steps.find((o) => o.name === 'calendar__create_event')!.output!)).toMatchObject({ error: 'outcome_unknown' });
    // The event exists once: the call ran once and was not made again.
    expect(mcp().stats().calls.create_event).toBe(1);
    expect(mcp().stats().events.filter((e) => e.title === 'Design review')).toHaveLength(1);
  }, 150_000);

  it("a run cancelled while an MCP call runs: the call is abandoned and the server gets the cancellation", async () => {
    mcp().reset();
    mcp().setFault('list_events', 'hang');
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [{ tool_calls: [{ name: 'calendar__list_events', arguments: {} }] }, { message: 'never reached' }]);
    const runId = await s.ask(threadId, 'What is on my calendar?');
    await eventually(async () => (mcp().stats().calls.list_events === 1 ? true : undefined), { timeoutMs: 30_000 });
    const cancelled = await s.api.post(`/threads/${threadId}/runs/${runId}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBeLessThan(300);
    expect((await s.finished(threadId, runId)).status).toBe('cancelled');
    // The worker running the call records its outcome (the run may have ended cancelled a moment before).
    const call = await eventually(async () => {
      const calls = (await s.api.get(`/threads/${threadId}/runs/${runId}`)).body!.tool_calls as Array<{ name: string; status: string; output: string | null }>;
      return calls[0]?.status === 'running' ? undefined : calls[0];
    }, { timeoutMs: 20_000 });
    expect(call).toMatchObject({ name: 'calendar__list_events', status: 'failed' });
    expect(call!.output).toContain('was cancelled');
    // notifications/cancelled reached the MCP server's request, for the run's cancel (not the tool's time budget).
    const reasons = await eventually(async () => (mcp().stats().cancelled.length ? mcp().stats().cancelled : undefined), { timeoutMs: 10_000 });
    expect(reasons).toEqual([expect.stringContaining('the run was cancelled')]);
  });

  it('the MCP server down: a clear tool error, and the run continues', async () => {
    mcp().reset();
    const threadId = await s.newThread('scheduler');
    await s.script(threadId, [
      { tool_calls: [{ name: 'calendar__list_events', arguments: { date: '2026-12-02' } }] },
      { message: 'Your calendar cannot be reached right now; please try again later.' },
    ]);
    await mcp().down();
    try {
      const runId = await s.ask(threadId, 'What is on my calendar on 2 December?');
      const run = await s.finished(threadId, runId);
      expect(run.status).toBe('completed');
      expect(run.tool_calls[0]).toMatchObject({ name: 'calendar__list_events', status: 'failed', owner: 'server' });
      expect(JSON.parse(run.tool_calls[0]!.output!)).toMatchObject({ error: expect.stringMatching(/calendar\/list_events/), mcpServer: 'calendar' });
      expect(textOf(await s.reply(threadId, runId))).toContain('cannot be reached');
    } finally {
      await mcp().up();
    }
    expect(mcp().stats().calls.list_events).toBe(0);
  });
});
