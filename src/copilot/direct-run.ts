// A run routed to `other`: answered at once by a plain model call instead of an upstream run.
// It is recorded like any run (ledger row, events, completed) so the API shows it the same way,
// but nothing is queued. The caller has claimed the thread and posted the user's message.
// Its reply is read back from its message.completed event (src/runs/run-reply.ts), on either protocol.
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { UpstreamThreads } from '../upstream/port';
import { classifyUpstreamError } from '../upstream/errors';
import { AUTO_ASSISTANT, OTHER_ROUTE } from './constants';
import type { CopilotRouter } from './copilot-router';

export interface DirectRunDeps {
  threads: Pick<UpstreamThreads, 'addAssistantMessage'>;
  ledger: Pick<Ledger, 'recordRun' | 'updateRun' | 'appendRunEvent' | 'setActiveRun'>;
  router: Pick<CopilotRouter, 'answer'>;
  logger: Logger;
  now: () => number;
}

export interface DirectRunInput {
  threadId: string;
  runId: string;
  userId: string;
  /** The user message already on the thread. */
  messageId: string;
  content: string;
}

export async function answerOnThread(deps: DirectRunDeps, input: DirectRunInput): Promise<RunRecord> {
  const { threadId, runId } = input;
  const logger = deps.logger.child({ threadId, runId });
  const createdAt = deps.now();
  await deps.ledger.recordRun({ threadId, runId, ownerId: input.userId, assistantKey: AUTO_ASSISTANT, status: 'in_progress', createdAt, messageId: input.messageId, routedTo: OTHER_ROUTE });
  try {
    const answer = await deps.router.answer(input.content);
    const reply = await deps.threads
      .addAssistantMessage(threadId, { content: answer.text, runId })
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread', threadId })));
    const run = await deps.ledger.updateRun(threadId, runId, { status: 'completed', completedAt: deps.now(), ...(answer.usage ? { usage: answer.usage } : {}) });
    // The same events the worker writes, so a frontend following the run's stream sees the reply.
    await deps.ledger.appendRunEvent(runId, { type: 'message.completed', data: { id: reply.id, role: reply.role, content: reply.content }, at: deps.now() });
    await deps.ledger.appendRunEvent(runId, { type: 'run.status', data: { status: 'completed', last_error: null }, at: deps.now() });
    logger.info('answered directly', { routedTo: OTHER_ROUTE });
    return run;
  } catch (error) {
    const mapped = classifyUpstreamError(error, { threadId });
    logger.warn('direct answer failed', { error: mapped.message });
    const lastError = { code: mapped.code, message: mapped.message };
    await deps.ledger.updateRun(threadId, runId, { status: 'failed', completedAt: deps.now(), lastError });
    await deps.ledger.appendRunEvent(runId, { type: 'run.status', data: { status: 'failed', last_error: lastError }, at: deps.now() });
    throw mapped;
  } finally {
    await deps.ledger.setActiveRun(threadId, null, { expectRunId: runId, at: deps.now() });
  }
}
