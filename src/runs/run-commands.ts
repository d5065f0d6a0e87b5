// What a frontend may do to a run it owns: cancel it, or submit outputs for the tool calls
// that belong to it. Both only record intent and wake the worker, which talks upstream.
import { AppError, notFound } from '../errors';
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import { classifyUpstreamError } from '../upstream';
import { leaseAfter } from './follow-lease';
import { isTerminal } from './run-facts';
import { denialOutput } from './tool-approvals';
import type { ToolOutput, UpstreamRuns } from './upstream-runs';

export interface RunCommandDeps {
  upstream: Pick<UpstreamRuns, 'cancel'>;
  ledger: Ledger;
  queue: Pick<RunQueue, 'send'>;
  logger: Logger;
  now: () => number;
  /** RUN_FOLLOW_LEASE: the lease the woken generation gets (runs/follow-lease.ts); without it, none. */
  followLeaseMs?: number;
}

/** The run if it exists on a thread the caller owns; 404 otherwise (another user's run looks missing). */
export async function getOwnedRun(ledger: Ledger, userId: string, threadId: string, runId: string): Promise<RunRecord> {
  const thread = await ledger.getOwnedThread(threadId, userId);
  const run = thread ? await ledger.getRun(threadId, runId) : null;
  if (!run || run.ownerId !== userId) throw notFound('Run');
  return run;
}

export async function cancelRun(deps: RunCommandDeps, userId: string, threadId: string, runId: string): Promise<RunRecord> {
  const run = await getOwnedRun(deps.ledger, userId, threadId, runId);
  if (isTerminal(run.status)) throw new AppError('conflict', `Cannot cancel run with status '${run.status}'.`, 409);
  if (run.upstreamRunId) await cancelUpstream(deps, threadId, run.upstreamRunId);
  let updated = await deps.ledger.updateRun(threadId, runId, { cancelRequested: true, ...(run.upstreamRunId ? { status: 'cancelling' } : {}) });
  if (!run.upstreamRunId && updated.upstreamRunId && !isTerminal(updated.status)) {
    // The worker created the upstream run between our read and this write, so it may not have seen the cancel.
    await cancelUpstream(deps, threadId, updated.upstreamRunId);
    updated = await deps.ledger.updateRun(threadId, runId, { status: 'cancelling' });
  }
  await wake(deps, updated);
  deps.logger.info('run cancellation requested', { threadId, runId });
  return updated;
}

export async function submitClientToolOutputs(
  deps: RunCommandDeps,
  userId: string,
  threadId: string,
  runId: string,
  outputs: ToolOutput[],
): Promise<RunRecord> {
  const run = await getOwnedRun(deps.ledger, userId, threadId, runId);
  if (run.status !== 'requires_action') throw new AppError('conflict', `Runs in status "${run.status}" do not accept tool outputs.`, 409);
  // Past its deadline the run is expired even before the worker's next look records it (Responses: app-enforced).
  if (run.expiresAt !== undefined && run.expiresAt <= deps.now()) throw new AppError('conflict', 'Runs in status "expired" do not accept tool outputs.', 409);
  const calls = new Map((await deps.ledger.listToolCalls(runId)).map((call) => [call.toolCallId, call]));
  const awaiting = [...calls.values()].filter((call) => call.status === 'awaiting_client').map((call) => call.toolCallId);
  for (const output of outputs) {
    const call = calls.get(output.tool_call_id);
    if (!call || call.owner !== 'client') throw new AppError('conflict', `Tool call ${output.tool_call_id} is not waiting for a client output on this run.`, 409);
    if (call.status !== 'awaiting_client') throw new AppError('conflict', `Tool call ${output.tool_call_id} already has an output.`, 409);
  }
  for (const output of outputs) {
    await deps.ledger.completeToolCall(runId, output.tool_call_id, { status: 'client_submitted', output: output.output, completedAt: deps.now() });
    await deps.ledger.appendRunEvent(runId, { type: 'run.tool_output', data: { id: output.tool_call_id, status: 'client_submitted' }, at: deps.now() });
  }
  const stillMissing = awaiting.filter((id) => !outputs.some((o) => o.tool_call_id === id));
  // The worker submits every output in one request once the last one is in (and every approval decided).
  if (stillMissing.length === 0 && ![...calls.values()].some((call) => call.status === 'awaiting_approval')) await wake(deps, run);
  return (await deps.ledger.getRun(threadId, runId)) ?? run;
}

export interface ToolApproval {
  tool_call_id: string;
  approve: boolean;
  /** With a denial: why, in the person's words (the model reads it). */
  reason?: string;
}

/** Records the owner's decisions on server tool calls awaiting approval; the worker resumes once none is left. */
export async function decideToolApprovals(deps: RunCommandDeps, userId: string, threadId: string, runId: string, decisions: ToolApproval[]): Promise<RunRecord> {
  const run = await getOwnedRun(deps.ledger, userId, threadId, runId);
  if (run.status !== 'requires_action') throw new AppError('conflict', `Runs in status "${run.status}" do not take tool approvals.`, 409);
  const calls = new Map((await deps.ledger.listToolCalls(runId)).map((call) => [call.toolCallId, call]));
  for (const decision of decisions) {
    const call = calls.get(decision.tool_call_id);
    if (!call || call.status !== 'awaiting_approval') throw new AppError('conflict', `Tool call ${decision.tool_call_id} is not waiting for approval on this run.`, 409);
  }
  for (const decision of decisions) {
    const call = calls.get(decision.tool_call_id)!;
    const at = deps.now();
    // A concurrent decision on the same call: the first one stands, the later one is refused.
    const recorded = decision.approve
      ? await deps.ledger.approveToolCall(runId, call.toolCallId, at)
      : await deps.ledger.denyToolCall(runId, call.toolCallId, denialOutput(call.name, decision.reason), at);
    if (!recorded) throw new AppError('conflict', `Tool call ${call.toolCallId} was decided concurrently.`, 409);
    await deps.ledger.appendRunEvent(runId, { type: 'run.tool_approval', data: { id: call.toolCallId, decision: decision.approve ? 'approved' : 'denied' }, at });
    if (!decision.approve) await deps.ledger.appendRunEvent(runId, { type: 'run.tool_output', data: { id: call.toolCallId, status: 'denied' }, at });
    calls.set(call.toolCallId, { ...call, status: decision.approve ? 'approved' : 'denied' });
  }
  deps.logger.info('tool approvals recorded', { threadId, runId, approved: decisions.filter((d) => d.approve).length, denied: decisions.filter((d) => !d.approve).length });
  if (![...calls.values()].some((call) => call.status === 'awaiting_approval' || call.status === 'awaiting_client')) await wake(deps, run);
  return (await deps.ledger.getRun(threadId, runId)) ?? run;
}

async function cancelUpstream(deps: RunCommandDeps, threadId: string, upstreamRunId: string): Promise<void> {
  try {
    await deps.upstream.cancel(threadId, upstreamRunId);
  } catch (error) {
    const mapped = classifyUpstreamError(error, { what: 'Run', threadId });
    // Upstream already finished it: the worker records the final state.
    if (mapped.status !== 400 && mapped.status !== 409) throw mapped;
  }
}

/**
 * Starts a new queue generation for the run, so older pending messages become duplicates. The generation is taken
 * by compare-and-set (a worker re-queueing at the same moment takes the next one), then sent; a crash in between
 * leaves a run the reconciler re-queues.
 */
async function wake(deps: RunCommandDeps, run: RunRecord): Promise<void> {
  let current: RunRecord | null = run;
  for (let tries = 0; current && !isTerminal(current.status) && tries < 5; tries++) {
    const from = current.followGeneration ?? 0;
    const lease = deps.followLeaseMs ? { followLeaseUntil: leaseAfter(deps.now(), deps.followLeaseMs) } : {};
    if (await deps.ledger.advanceFollowGeneration(run.threadId, run.runId, from, lease)) {
      // The run's own trace continues (the ledger keeps where it started), not this request's.
      await deps.queue.send({ threadId: run.threadId, runId: run.runId, generation: from + 1, ...(run.traceparent ? { traceparent: run.traceparent } : {}) });
      return;
    }
    current = await deps.ledger.getRun(run.threadId, run.runId);
  }
}
