// Resolves a run's `requires_action`: executes the calls the backend owns exactly once
// (claim before executing; a retry reuses the stored output) and collects the frontend's
// outputs for the calls it owns. Only when every call has an output can they be submitted.
import type { Logger } from '../logging';
import type { Ledger, RunRecord, ToolCallStatus } from '../store/ledger';
import type { ToolRegistry } from '../tools';
import { MAX_TOOL_ARGUMENTS_CHARS, truncateText } from '../store/ledger/limits';
import { watchForCancel } from './cancel-watch';
import type { RequestedToolCall, ToolOutput } from './upstream-runs';

/** What resolving needs of the tools: whether one is the backend's, and running it. */
export type ToolRunner = Pick<ToolRegistry, 'has' | 'isIdempotent' | 'execute'>;

export interface ToolCallDeps {
  ledger: Ledger;
  tools: ToolRunner;
  logger: Logger;
  now: () => number;
  /** A claim older than this is presumed to belong to a dead worker. */
  staleClaimMs: number;
  /** Whether calls of `tool` made by a run of `assistantKey` wait for a person's approval (src/runs/tool-approvals.ts). */
  needsApproval(assistantKey: string, tool: string): boolean;
  /** How often a running tool's run is checked for a cancel (default CANCEL_POLL_MS). */
  cancelPollMs?: number;
}

export type ToolResolution =
  | { kind: 'ready'; outputs: ToolOutput[] }
  /** Some calls belong to the frontend and have no output yet, or wait for a person's approval. */
  | { kind: 'awaiting_client'; pending: string[]; approvals: string[] }
  /** Another worker holds a live claim on a call: come back later rather than run it twice. */
  | { kind: 'in_progress_elsewhere'; toolCallId: string };

const FINISHED: ReadonlySet<ToolCallStatus> = new Set(['succeeded', 'invalid_arguments', 'failed', 'timed_out', 'unknown_outcome', 'client_submitted', 'denied']);

export async function resolveToolCalls(deps: ToolCallDeps, run: RunRecord, calls: RequestedToolCall[], deadlineMs: number): Promise<ToolResolution> {
  const outputs: ToolOutput[] = [];
  const pending: string[] = [];
  const approvals: string[] = [];
  const assistantKey = run.routedTo ?? run.assistantKey;
  // Sequential on purpose: tools with side effects (email) should not race each other.
  for (const call of calls) {
    const owner = deps.tools.has(call.name) ? 'server' : 'client';
    const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, toolCallId: call.id, tool: call.name });
    const claim = await deps.ledger.claimToolCall({
      runId: run.runId,
      threadId: run.threadId,
      toolCallId: call.id,
      name: call.name,
      arguments: call.arguments,
      owner,
      claimedAt: deps.now(),
    });
    if (claim.claimed) {
      // Arguments beyond what the ledger records are cut here too (the registry refuses such calls).
      await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_call', data: { id: call.id, name: call.name, arguments: truncateText(call.arguments, MAX_TOOL_ARGUMENTS_CHARS), owner }, at: deps.now() });
      if (owner === 'client') {
        await deps.ledger.completeToolCall(run.runId, call.id, { status: 'awaiting_client', output: '', completedAt: deps.now() });
        pending.push(call.id);
        continue;
      }
      if (deps.needsApproval(assistantKey, call.name)) {
        await deps.ledger.completeToolCall(run.runId, call.id, { status: 'awaiting_approval', output: '', completedAt: deps.now() });
        approvals.push(call.id);
        continue;
      }
      outputs.push({ tool_call_id: call.id, output: await execute(deps, run, call, deadlineMs, logger, claim.record.claimedAt) });
      continue;
    }

    const existing = claim.existing;
    if (FINISHED.has(existing.status) && existing.output !== undefined) {
      logger.info('reusing stored tool output', { status: existing.status });
      outputs.push({ tool_call_id: call.id, output: existing.output });
      continue;
    }
    if (existing.status === 'awaiting_client') {
      pending.push(call.id);
      continue;
    }
    if (existing.status === 'awaiting_approval') {
      approvals.push(call.id);
      continue;
    }
    if (existing.status === 'approved') {
      // Approved since the last look: exactly one worker takes it and executes it, like a fresh claim.
      const claimedAt = deps.now();
      if (!(await deps.ledger.takeApprovedToolCall(run.runId, call.id, claimedAt))) return { kind: 'in_progress_elsewhere', toolCallId: call.id };
      outputs.push({ tool_call_id: call.id, output: await execute(deps, run, call, deadlineMs, logger, claimedAt) });
      continue;
    }
    // Claimed but never finished: a worker is executing it, or died doing so.
    if (deps.now() - existing.claimedAt < deps.staleClaimMs) return { kind: 'in_progress_elsewhere', toolCallId: call.id };
    const tookOver = await deps.ledger.reclaimToolCall(run.runId, call.id, existing.claimedAt, deps.now());
    if (!tookOver) return { kind: 'in_progress_elsewhere', toolCallId: call.id };
    if (existing.owner === 'client') {
      // Its worker died before recording that the frontend owns it: nothing ran, so the frontend is asked as usual.
      await deps.ledger.completeToolCall(run.runId, call.id, { status: 'awaiting_client', output: '', completedAt: deps.now() });
      pending.push(call.id);
      continue;
    }
    if (deps.tools.isIdempotent(call.name)) {
      logger.warn('re-executing an idempotent tool whose worker died');
      outputs.push({ tool_call_id: call.id, output: await execute(deps, run, call, deadlineMs, logger, existing.claimedAt) });
    } else {
      // The effect may already have happened (e.g. the email went out): never risk doing it twice.
      const output = JSON.stringify({
        error: 'outcome_unknown',
        message: `The ${call.name} call was interrupted before its result was recorded. It may or may not have taken effect, and it was not retried to avoid duplicates.`,
      });
      logger.warn('tool outcome unknown after worker failure; not retried');
      await deps.ledger.completeToolCall(run.runId, call.id, { status: 'unknown_outcome', output, completedAt: deps.now() });
      await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_output', data: { id: call.id, status: 'unknown_outcome' }, at: deps.now() });
      outputs.push({ tool_call_id: call.id, output });
    }
  }
  return pending.length || approvals.length ? { kind: 'awaiting_client', pending, approvals } : { kind: 'ready', outputs };
}

/**
 * `firstAttemptAt`: the call's first claim time, so repeatable requests carry one first-sent time across workers.
 * A cancel wins over the tool: checked before a tool that is not safe to repeat starts, and while any tool runs
 * (its AbortSignal aborts, and the registry records it abandoned).
 */
async function execute(deps: ToolCallDeps, run: RunRecord, call: RequestedToolCall, deadlineMs: number, logger: Logger, firstAttemptAt: number): Promise<string> {
  if (!deps.tools.isIdempotent(call.name) && (await deps.ledger.getRun(run.threadId, run.runId))?.cancelRequested) {
    const output = JSON.stringify({ error: 'cancelled', message: `The run was cancelled before ${call.name} ran; it was not run.` });
    logger.info('tool not run: the run was cancelled');
    return record(deps, run, call, { status: 'failed', output, durationMs: 0 });
  }
  const watch = watchForCancel(deps.ledger, run, deps.cancelPollMs);
  try {
    const outcome = await deps.tools.execute(
      call,
      { threadId: run.threadId, runId: run.runId, userId: run.ownerId, deadlineMs, logger, firstAttemptAt, signal: watch.signal },
    );
    return await record(deps, run, call, outcome);
  } finally {
    watch.stop();
  }
}

async function record(deps: ToolCallDeps, run: RunRecord, call: RequestedToolCall, outcome: { status: ToolCallStatus; output: string; durationMs: number }): Promise<string> {
  await deps.ledger.completeToolCall(run.runId, call.id, { status: outcome.status, output: outcome.output, durationMs: outcome.durationMs, completedAt: deps.now() });
  await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_output', data: { id: call.id, status: outcome.status, output: outcome.output }, at: deps.now() });
  return outcome.output;
}
