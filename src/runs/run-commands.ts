// What a frontend may do to a run it owns: cancel it, or submit outputs for the tool calls
// that belong to it. Both only record intent and wake the worker, which talks upstream.
import { AppError, notFound } from '../errors';
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import { classifyUpstreamError } from '../upstream';
import { isTerminal } from './run-facts';
import type { ToolOutput, UpstreamRuns } from './upstream-runs';

export interface RunCommandDeps {
  upstream: Pick<UpstreamRuns, 'cancel'>;
  ledger: Ledger;
  queue: Pick<RunQueue, 'send'>;
  logger: Logger;
  now: () => number;
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
  if (run.upstreamRunId) {
    try {
      await deps.upstream.cancel(threadId, run.upstreamRunId);
    } catch (error) {
      const mapped = classifyUpstreamError(error, { what: 'Run', threadId });
      // Upstream already finished it: the worker records the final state.
      if (mapped.status !== 400 && mapped.status !== 409) throw mapped;
    }
  }
  const updated = await deps.ledger.updateRun(threadId, runId, { cancelRequested: true, ...(run.upstreamRunId ? { status: 'cancelling' } : {}) });
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
  // The worker submits every output in one request once the last one is in.
  if (stillMissing.length === 0) await wake(deps, run);
  return (await deps.ledger.getRun(threadId, runId)) ?? run;
}

/** Starts a new queue generation for the run, so older pending messages become duplicates. */
async function wake(deps: RunCommandDeps, run: RunRecord): Promise<void> {
  const generation = (run.followGeneration ?? 0) + 1;
  // The run's own trace continues (the ledger keeps where it started), not this request's.
  await deps.queue.send({ threadId: run.threadId, runId: run.runId, generation, ...(run.traceparent ? { traceparent: run.traceparent } : {}) });
  await deps.ledger.updateRun(run.threadId, run.runId, { followGeneration: generation });
}
