// Cancellation reaches tools (src/runs/resolve-tool-calls.ts, cancel-watch.ts): a tool already running gets its
// AbortSignal aborted when the run's cancel is recorded, and a tool not safe to repeat does not start at all after
// one. Real ledger in Azurite, the real registry, a tool that waits on its signal.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { resolveToolCalls, type ToolCallDeps } from '../../../src/runs/resolve-tool-calls';
import type { RunRecord } from '../../../src/store/ledger';
import { createToolRegistry, defineTool } from '../../../src/tools';
import { newId, useLedger } from '../store/use-ledger';

describe('cancellation during tools', () => {
  const fx = useLedger();
  const started: string[] = [];
  const slowTool = defineTool({
    name: 'slow_mail',
    description: 'Waits until aborted.',
    parameters: z.strictObject({}),
    idempotent: false,
    execute: async (_args, ctx) => {
      started.push(ctx.toolCallId);
      await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    },
  });

  function deps(): ToolCallDeps {
    return {
      ledger: fx.ledger,
      tools: createToolRegistry({ config: loadConfig({ TOOL_TIMEOUT: '60s' }), tools: [slowTool] }),
      logger: createLogger({ level: 'error', sink: () => undefined }),
      now: Date.now,
      needsApproval: () => false,
      staleClaimMs: 60_000,
      cancelPollMs: 50,
    };
  }

  async function run(): Promise<RunRecord> {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: Date.now() });
    return fx.ledger.recordRun({ threadId, runId: newId('run'), ownerId: 'alice', assistantKey: 'default', assistantId: 'asst_1', status: 'requires_action', createdAt: Date.now() });
  }

  it('aborts a running tool when the run is cancelled, and records the outcome', async () => {
    const current = await run();
    const resolving = resolveToolCalls(deps(), current, [{ id: 'call_a', name: 'slow_mail', arguments: '{}' }], Date.now() + 60_000);
    // The frontend's cancel (POST .../cancel records it) once the tool is under way.
    while (!started.includes('call_a')) await new Promise((resolve) => setTimeout(resolve, 20));
    await fx.ledger.updateRun(current.threadId, current.runId, { cancelRequested: true });

    const resolution = await resolving;
    expect(resolution.kind).toBe('ready');
    const call = await fx.ledger.getToolCall(current.runId, 'call_a');
    expect(call?.status).toBe('timed_out');
    expect(call?.output).toContain('was cancelled');
  });

  it('does not start a tool that is not safe to repeat once the run is cancelled', async () => {
    const current = await run();
    await fx.ledger.updateRun(current.threadId, current.runId, { cancelRequested: true });
    await resolveToolCalls(deps(), current, [{ id: 'call_b', name: 'slow_mail', arguments: '{}' }], Date.now() + 60_000);
    expect(started).not.toContain('call_b');
    const call = await fx.ledger.getToolCall(current.runId, 'call_b');
    expect(call).toMatchObject({ status: 'failed' });
    expect(JSON.parse(call!.output!)).toMatchObject({ error: 'cancelled' });
  });

  it('asks the frontend for a client call whose worker died before recording it as the frontend’s', async () => {
    const current = await run();
    // Claimed as the frontend's, then the worker died before marking it awaiting_client.
    await fx.ledger.claimToolCall({ runId: current.runId, threadId: current.threadId, toolCallId: 'call_c', name: 'confirm_choice', arguments: '{}', owner: 'client', claimedAt: Date.now() - 120_000 });
    const resolution = await resolveToolCalls(deps(), current, [{ id: 'call_c', name: 'confirm_choice', arguments: '{}' }], Date.now() + 60_000);
    expect(resolution).toEqual({ kind: 'awaiting_client', pending: ['call_c'], approvals: [] });
    expect((await fx.ledger.getToolCall(current.runId, 'call_c'))?.status).toBe('awaiting_client');
  });
});
