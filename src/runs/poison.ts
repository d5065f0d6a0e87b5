// A run message that failed maxDequeueCount times lands on the poison queue. The run is
// marked failed with a reason a frontend can show, and stopped upstream so it cannot go on
// consuming tokens or act without us.
import { finalizeRun } from './run-follower';
import { isTerminal, type RunQueueMessage } from './run-facts';
import type { WorkerDeps } from './worker';

export const POISONED_RUN_ERROR = {
  code: 'processing_failed',
  message: 'The assistant could not finish this request because the service kept failing while processing it. Please try again.',
};

export async function processPoisonedRunMessage(
  deps: Pick<WorkerDeps, 'upstream' | 'ledger' | 'logger' | 'now'>,
  message: RunQueueMessage,
): Promise<'marked_failed' | 'already_terminal' | 'unknown_run'> {
  const run = await deps.ledger.getRun(message.threadId, message.runId);
  if (!run) return 'unknown_run';
  if (isTerminal(run.status)) return 'already_terminal';
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  if (run.upstreamRunId) {
    try {
      await deps.upstream.cancel(run.threadId, run.upstreamRunId);
    } catch (error) {
      // Best effort: the upstream run may already be over, or the upstream may be the failing part.
      logger.warn('could not cancel the poisoned run upstream', { error });
    }
  }
  await finalizeRun(deps, run, { status: 'failed', lastError: POISONED_RUN_ERROR });
  logger.error('run marked failed after repeated processing failures');
  return 'marked_failed';
}
