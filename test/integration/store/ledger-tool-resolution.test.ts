// The run worker's tool resolution on the real ledger: these tests check exactly-once tool effects end to end.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import type { ToolOutcome } from '../../../src/tools';
import { resolveToolCalls, type ToolCallDeps, type ToolRunner } from '../../../src/runs/resolve-tool-calls';
import type { RequestedToolCall } from '../../../src/runs/upstream-runs';
import { newId, useLedger } from './use-ledger';

/** A tool that counts its executions and takes a while, so concurrent resolvers overlap. */
function countingTools(options: { idempotent: boolean }) {
  const executions: string[] = [];
  const tools: ToolRunner = {
    has: (name) => name === 'send_email',
    isIdempotent: () => options.idempotent,
    async execute(call): Promise<ToolOutcome> {
      executions.push(call.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: 'succeeded', output: `{"sent":"${call.id}"}`, durationMs: 300 };
    },
  };
  return { tools, executions };
}

const toolCall = (id: string): RequestedToolCall => ({ id, name: 'send_email', arguments: '{"to":"a@example.com"}' });

describe('tool resolution on the ledger', () => {
  const fx = useLedger();
  let base: Omit<ToolCallDeps, 'tools' | 'staleClaimMs'>;
  beforeAll(() => {
    base = { ledger: fx.ledger, logger: createLogger({ sink: () => undefined }), now: Date.now, needsApproval: () => false };
  });

  const seedRun = async () => {
    const threadId = newId('thread');
    const runId = newId('run');
    await fx.ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'k', assistantId: 'asst_1', status: 'requires_action', createdAt: Date.now() });
    return (await fx.ledger.getRun(threadId, runId))!;
  };

  it('executes a tool once when two deliveries resolve the same call at the same time, and replays its output', async () => {
    const { tools, executions } = countingTools({ idempotent: false });
    const deps: ToolCallDeps = { ...base, tools, staleClaimMs: 60_000 };
    const run = await seedRun();
    const call = toolCall(newId('call'));

    const results = await Promise.all([resolveToolCalls(deps, run, [call], Date.now() + 10_000), resolveToolCalls(deps, run, [call], Date.now() + 10_000)]);
    expect(executions).toEqual([call.id]);
    const expected = { kind: 'ready', outputs: [{ tool_call_id: call.id, output: `{"sent":"${call.id}"}` }] };
    // The loser normally sees the claim mid-execution; on a very slow machine it may see the stored output.
    expect(results).toContainEqual(expected);
    for (const r of results) expect([expected, { kind: 'in_progress_elsewhere', toolCallId: call.id }]).toContainEqual(r);

    // A later redelivery submits the stored output without running the tool again.
    const replay = await resolveToolCalls(deps, run, [call], Date.now() + 10_000);
    expect(replay).toEqual(expected);
    expect(executions).toEqual([call.id]);
    expect((await fx.ledger.listRunEvents(run.runId)).map((e) => e.type)).toEqual(['run.tool_call', 'run.tool_output']);
  });

  it('does not repeat a non-idempotent tool whose worker died mid-call', async () => {
    const { tools, executions } = countingTools({ idempotent: false });
    const run = await seedRun();
    const call = toolCall(newId('call'));
    // The dead worker's claim, long ago.
    await fx.ledger.claimToolCall({ runId: run.runId, threadId: run.threadId, toolCallId: call.id, name: 'send_email', arguments: '{}', owner: 'server', claimedAt: Date.now() - 120_000 });

    const result = await resolveToolCalls({ ...base, tools, staleClaimMs: 60_000 }, run, [call], Date.now() + 10_000);
    expect(executions).toEqual([]);
    expect(result.kind).toBe('ready');
    expect((await fx.ledger.getToolCall(run.runId, call.id))?.status).toBe('unknown_outcome');
  });

  describe('calls that need approval', () => {
    const approvalDeps = (tools: ToolRunner): ToolCallDeps => ({ ...base, tools, staleClaimMs: 60_000, needsApproval: (key, tool) => key === 'k' && tool === 'send_email' });

    it('waits for the decision without executing, then executes an approved call exactly once across concurrent workers', async () => {
      const { tools, executions } = countingTools({ idempotent: false });
      const deps = approvalDeps(tools);
      const run = await seedRun();
      const call = toolCall(newId('call'));

      expect(await resolveToolCalls(deps, run, [call], Date.now() + 10_000)).toEqual({ kind: 'awaiting_client', pending: [], approvals: [call.id] });
      // Redelivered before anyone decided: still waiting, still not executed.
      expect(await resolveToolCalls(deps, run, [call], Date.now() + 10_000)).toEqual({ kind: 'awaiting_client', pending: [], approvals: [call.id] });
      expect(executions).toEqual([]);
      expect((await fx.ledger.getToolCall(run.runId, call.id))?.status).toBe('awaiting_approval');

      expect(await fx.ledger.approveToolCall(run.runId, call.id, Date.now())).toBe(true);
      // A second decision on the same call is refused by the ledger.
      expect(await fx.ledger.denyToolCall(run.runId, call.id, 'no', Date.now())).toBe(false);

      const results = await Promise.all([resolveToolCalls(deps, run, [call], Date.now() + 10_000), resolveToolCalls(deps, run, [call], Date.now() + 10_000)]);
      expect(executions).toEqual([call.id]);
      const expected = { kind: 'ready', outputs: [{ tool_call_id: call.id, output: `{"sent":"${call.id}"}` }] };
      expect(results).toContainEqual(expected);
      for (const r of results) expect([expected, { kind: 'in_progress_elsewhere', toolCallId: call.id }]).toContainEqual(r);
      const stored = await fx.ledger.getToolCall(run.runId, call.id);
      expect(stored?.status).toBe('succeeded');
      expect(stored?.approvedAt).toBeGreaterThan(0);
    });

    it('never executes a denied call and submits the refusal as its output', async () => {
      const { tools, executions } = countingTools({ idempotent: false });
      const deps = approvalDeps(tools);
      const run = await seedRun();
      const call = toolCall(newId('call'));
      await resolveToolCalls(deps, run, [call], Date.now() + 10_000);

      expect(await fx.ledger.denyToolCall(run.runId, call.id, '{"error":"denied_by_user"}', Date.now())).toBe(true);
      expect(await fx.ledger.approveToolCall(run.runId, call.id, Date.now())).toBe(false);
      expect(await resolveToolCalls(deps, run, [call], Date.now() + 10_000)).toEqual({ kind: 'ready', outputs: [{ tool_call_id: call.id, output: '{"error":"denied_by_user"}' }] });
      expect(executions).toEqual([]);
    });

    it('asks no approval for the same tool on an assistant that does not require it', async () => {
      const { tools, executions } = countingTools({ idempotent: false });
      const run = await seedRun();
      const call = toolCall(newId('call'));
      const result = await resolveToolCalls({ ...approvalDeps(tools), needsApproval: () => false }, run, [call], Date.now() + 10_000);
      expect(result.kind).toBe('ready');
      expect(executions).toEqual([call.id]);
    });
  });
});
