// Starting a run from the HTTP API: the user's message goes upstream at once, the run is
// recorded in the ledger (which holds the thread's one active run) and queued. The worker
// creates the upstream run with streaming and follows it from there.
import { randomBytes } from 'node:crypto';
import type { MessageCreateParams } from 'openai/resources/beta/threads/messages';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import type { AssistantResolver } from '../assistants';
import { renderRunInstructions } from '../assistants';
import { classifyUpstreamError } from '../upstream/errors';
import type { UpstreamThreads } from '../upstream/port';
import { isTerminal, METADATA_KEYS } from './run-facts';
import { answerOnThread, chooseAssistant, type CopilotRouter } from '../copilot';

export interface StartRunDeps {
  /** The upstream port's threads: the user's message, and a direct reply. */
  threads: Pick<UpstreamThreads, 'addUserMessage' | 'addAssistantMessage'>;
  ledger: Ledger;
  queue: Pick<RunQueue, 'send'>;
  assistants: AssistantResolver;
  logger: Logger;
  defaultAssistant: string;
  now: () => number;
  /** Chooses the assistant for `auto` (src/copilot); without it `auto` is an unknown key. */
  router?: CopilotRouter;
}

export interface StartRunInput {
  userId: string;
  userName?: string;
  threadId: string;
  content: string;
  assistant?: string;
  attachments?: MessageCreateParams.Attachment[];
  metadata?: Record<string, string>;
}

export function newRunId(): string {
  return `run_${randomBytes(12).toString('hex')}`;
}

export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<{ run: RunRecord; messageId: string }> {
  const thread = await deps.ledger.getOwnedThread(input.threadId, input.userId);
  if (!thread) throw notFound('Thread');
  await checkAttachments(deps, input);
  const assistantKey = input.assistant ?? thread.assistantKey ?? deps.defaultAssistant;
  const chosen = await chooseAssistant(deps, assistantKey, input.content);
  const runId = newRunId();
  const logger = deps.logger.child({ threadId: input.threadId, runId });

  await claimThread(deps, input.threadId, runId);
  let messageId: string;
  try {
    ({ messageId } = await deps.threads.addUserMessage(input.threadId, {
      content: input.content,
      ...(input.attachments?.length ? { attachments: input.attachments } : {}),
      metadata: { ...input.metadata, [METADATA_KEYS.runId]: runId },
      runId,
    }));
  } catch (error) {
    await deps.ledger.setActiveRun(input.threadId, null, { expectRunId: runId });
    throw classifyUpstreamError(error, { what: 'Thread', threadId: input.threadId });
  }
  // `auto` routed to `other`: answered now by one model call, no upstream run and nothing queued.
  if (chosen.direct) return { run: await answerOnThread({ ...deps, router: chosen.router }, { ...input, runId, messageId }), messageId };
  const { assistantId, definition, routedTo } = chosen;

  const run = await deps.ledger.recordRun({
    threadId: input.threadId,
    runId,
    ownerId: input.userId,
    assistantKey,
    assistantId,
    status: 'queued',
    createdAt: deps.now(),
    messageId,
    routedTo,
    additionalInstructions: renderRunInstructions(definition, { now: new Date(deps.now()), userName: input.userName }),
  });
  // The ledger row is the outbox: a run recorded `queued` whose message never went out (the send failed, or the
  // process died right here) is re-queued by the reconciler (runs/reconcile.ts), so the caller gets its run either way.
  try {
    await deps.queue.send({ threadId: input.threadId, runId, generation: 0 });
  } catch (error) {
    logger.warn('could not queue the run; the reconciler will', { error });
  }
  // No touchThread: claiming the thread marked it active, milliseconds ago, in the same write.
  logger.info('run queued', { assistantKey, routedTo });
  return { run, messageId };
}

/** Only the caller's own files may be attached; another user's answers exactly like a missing one. */
async function checkAttachments(deps: StartRunDeps, input: StartRunInput): Promise<void> {
  const fileIds = [...new Set((input.attachments ?? []).map((a) => a.file_id).filter((id): id is string => Boolean(id)))];
  const owned = await Promise.all(fileIds.map((fileId) => deps.ledger.getOwnedFile(fileId, input.userId)));
  if (owned.some((file) => file === null)) throw notFound('File');
}

/** One active run per thread; a ledger entry pointing at a finished run is taken over. */
async function claimThread(deps: StartRunDeps, threadId: string, runId: string): Promise<void> {
  try {
    await deps.ledger.setActiveRun(threadId, runId);
  } catch (error) {
    const activeRunId = error instanceof AppError && error.code === 'run_active' ? (error.details.runId as string | undefined) : undefined;
    if (!activeRunId) throw error;
    const active = await deps.ledger.getRun(threadId, activeRunId);
    if (active && !isTerminal(active.status)) throw error;
    await deps.ledger.setActiveRun(threadId, runId, { expectRunId: activeRunId });
  }
}
