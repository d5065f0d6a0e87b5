// Resolves a run's `requires_action`: executes the calls the backend owns exactly once
// (claim before executing; a retry reuses the stored output) and collects the frontend's
// outputs for the calls it owns. Only when every call has an output can they be submitted.
import type { RequiredActionFunctionToolCall } from 'openai/resources/beta/threads/runs/runs';
import { MAX_TOOL_ARGUMENTS_CHARS, truncateText } from '../store/ledger/limits';
import type { RunDeps, RunRecordView, ToolCallRecordView } from './ports';

export type ToolResolution =
  | { kind: 'ready'; outputs: { tool_call_id: string; output: string }[] }
  /** Some calls belong to the frontend and have no output yet. */
  | { kind: 'awaiting_client'; pending: string[] }
  /** Another worker holds a live claim on a call: come back later rather than run it twice. */
  | { kind: 'in_progress_elsewhere'; toolCallId: string };

const FINISHED: ReadonlySet<ToolCallRecordView['status']> = new Set(['succeeded', 'invalid_arguments', 'failed', 'timed_out', 'unknown_outcome', 'client_submitted']);

export async function resolveToolCalls(deps: RunDeps, run: RunRecordView, calls: RequiredActionFunctionToolCall[], deadlineMs: number): Promise<ToolResolution> {
  const outputs: { tool_call_id: string; output: string }[] = [];
  const pending: string[] = [];
  // Sequential on purpose: tools with side effects (email) should not race each other.
  for (const call of calls) {
    const owner = deps.tools.has(call.function.name) ? 'server' : 'client';
    const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, toolCallId: call.id, tool: call.function.name });
    const claim = await deps.ledger.claimToolCall({
      runId: run.runId,
      threadId: run.threadId,
      toolCallId: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      owner,
      claimedAt: deps.now(),
    });
    if (claim.claimed) {
      // Arguments beyond what the ledger records are cut here too (the registry refuses such calls).
      await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_call', data: { id: call.id, name: call.function.name, arguments: truncateText(call.function.arguments, MAX_TOOL_ARGUMENTS_CHARS), owner }, at: deps.now() });
      if (owner === 'client') {
        await deps.ledger.completeToolCall(run.runId, call.id, { status: 'awaiting_client', output: '', completedAt: deps.now() });
        pending.push(call.id);
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
    // Claimed but never finished: a worker is executing it, or died doing so.
    if (deps.now() - existing.claimedAt < deps.staleClaimMs) return { kind: 'in_progress_elsewhere', toolCallId: call.id };
    const tookOver = await deps.ledger.reclaimToolCall(run.runId, call.id, existing.claimedAt, deps.now());
    if (!tookOver) return { kind: 'in_progress_elsewhere', toolCallId: call.id };
    if (deps.tools.isIdempotent(call.function.name)) {
      logger.warn('re-executing an idempotent tool whose worker died');
      outputs.push({ tool_call_id: call.id, output: await execute(deps, run, call, deadlineMs, logger, existing.claimedAt) });
    } else {
      // The effect may already have happened (e.g. the email went out): never risk doing it twice.
      const output = JSON.stringify({
        error: 'outcome_unknown',
        message: `The ${call.function.name} call was interrupted before its result was recorded. It may or may not have taken effect, and it was not retried to avoid duplicates.`,
      });
      logger.warn('tool outcome unknown after worker failure; not retried');
      await deps.ledger.completeToolCall(run.runId, call.id, { status: 'unknown_outcome', output, completedAt: deps.now() });
      await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_output', data: { id: call.id, status: 'unknown_outcome' }, at: deps.now() });
      outputs.push({ tool_call_id: call.id, output });
    }
  }
  return pending.length ? { kind: 'awaiting_client', pending } : { kind: 'ready', outputs };
}

/** `firstAttemptAt`: the call's first claim time, so repeatable requests carry one first-sent time across workers. */
async function execute(deps: RunDeps, run: RunRecordView, call: RequiredActionFunctionToolCall, deadlineMs: number, logger: RunDeps['logger'], firstAttemptAt: number): Promise<string> {
  const outcome = await deps.tools.execute(
    { id: call.id, name: call.function.name, arguments: call.function.arguments },
    { threadId: run.threadId, runId: run.runId, userId: run.ownerId, deadlineMs, logger, firstAttemptAt },
  );
  await deps.ledger.completeToolCall(run.runId, call.id, { status: outcome.status, output: outcome.output, durationMs: outcome.durationMs, completedAt: deps.now() });
  await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_output', data: { id: call.id, status: outcome.status, output: outcome.output }, at: deps.now() });
  return outcome.output;
}
