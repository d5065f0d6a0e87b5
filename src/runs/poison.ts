// A run message that failed maxDequeueCount times lands on the poison queue. The run is
// marked failed with a reason a frontend can show, and stopped upstream so it cannot go on
// consuming tokens or act without us.
import type { RunDeps, RunQueueMessage } from './ports';
import { finalizeRun } from './record-run';
import { isTerminal } from './run-status';

export const POISONED_RUN_ERROR = {
  code: 'processing_failed',
  message: 'The assistant could not finish this request because the service kept failing while processing it. Please try again.',
};

export async function processPoisonedRunMessage(deps: RunDeps, message: RunQueueMessage): Promise<'marked_failed' | 'already_terminal' | 'unknown_run'> {
  const run = await deps.ledger.getRun(message.threadId, message.runId);
  if (!run) return 'unknown_run';
  if (isTerminal(run.status)) return 'already_terminal';
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  if (run.upstreamRunId) {
    try {
      await deps.client.beta.threads.runs.cancel(run.upstreamRunId, { thread_id: run.threadId });
    } catch (error) {
      // Best effort: the upstream run may already be over, or the upstream may be the failing part.
      logger.warn('could not cancel the poisoned run upstream', { error });
    }
  }
  await finalizeRun(deps, run, { status: 'failed' }, POISONED_RUN_ERROR);
  logger.error('run marked failed after repeated processing failures');
  return 'marked_failed';
}
