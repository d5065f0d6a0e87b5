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
import { leaseAfter } from './follow-lease';
import { isDeadRun, supersedeDeadRun, type ReconcileDeps } from './reconcile';
import { isTerminal, METADATA_KEYS } from './run-facts';
import { answerOnThread, chooseAssistant, type CopilotRouter } from '../copilot';

export interface StartRunDeps {
  /** The upstream port's threads: the user's message, and a direct reply. */
  threads: Pick<UpstreamThreads, 'addUserMessage' | 'addAssistantMessage'> & Partial<Pick<UpstreamThreads, 'listMessages'>>;
  ledger: Ledger;
  queue: Pick<RunQueue, 'send'>;
  assistants: AssistantResolver;
  logger: Logger;
  defaultAssistant: string;
  now: () => number;
  /** Chooses the assistant for `auto` (src/copilot); without it `auto` is an unknown key. */
  router?: CopilotRouter;
  /** RUN_FOLLOW_LEASE: the lease the recorded run carries until a worker picks it up (runs/follow-lease.ts). */
  followLeaseMs?: number;
  /** With it, a new message takes over a dead active run (runs/reconcile.ts isDeadRun) instead of answering 409. */
  takeOver?: Pick<ReconcileDeps, 'upstream' | 'stallMs' | 'maxLifetimeMs'>;
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
  // A retry of a start that died after posting its user message resumes that start (its run id, its message).
  const claim = await claimThread(deps, input.threadId, newRunId(), input);
  const runId = claim.runId;
  const logger = deps.logger.child({ threadId: input.threadId, runId });
  let messageId: string;
  if (claim.messageId) {
    messageId = claim.messageId;
    logger.warn('resumed a start that died after posting its user message', { messageId });
  } else try {
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

  const createdAt = deps.now();
  const run = await deps.ledger.recordRun({
    threadId: input.threadId,
    runId,
    ownerId: input.userId,
    assistantKey,
    assistantId,
    status: 'queued',
    createdAt,
    ...(deps.followLeaseMs ? { followLeaseUntil: leaseAfter(createdAt, deps.followLeaseMs) } : {}),
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

/**
 * One active run per thread; a ledger entry pointing at a finished run, or at a dead one, is taken over. The swap is a
 * compare-and-set on the thread's active run, so of two messages racing for a dead run's thread exactly one wins (the
 * other gets run_active); the dead run is ended after the swap (a crash in between leaves it to the reconciler).
 */
async function claimThread(deps: StartRunDeps, threadId: string, runId: string, input: StartRunInput): Promise<{ runId: string; messageId?: string }> {
  try {
    await deps.ledger.setActiveRun(threadId, runId);
    return { runId };
  } catch (error) {
    const activeRunId = error instanceof AppError && error.code === 'run_active' ? (error.details.runId as string | undefined) : undefined;
    if (!activeRunId) throw error;
    const active = await deps.ledger.getRun(threadId, activeRunId);
    const dead = active && !isTerminal(active.status) && deps.takeOver && isDeadRun(active, deps.now(), deps.takeOver);
    if (active && !isTerminal(active.status) && !dead) throw error;
    // A claim whose run is not recorded yet is another message starting right now, unless it is older than the stall timeout.
    if (!active && deps.takeOver && (await claimedRecently(deps, threadId, deps.takeOver.stallMs))) throw error;
    const orphan = active ? undefined : await orphanedUserMessage(deps, threadId, activeRunId, input);
    if (orphan) return { runId: activeRunId, messageId: orphan };
    await deps.ledger.setActiveRun(threadId, runId, { expectRunId: activeRunId });
    if (dead && deps.takeOver) await supersedeDeadRun({ ...deps, upstream: deps.takeOver.upstream }, active, runId);
    return { runId };
  }
}

/**
 * A start that died between posting the user message and recording its run leaves the thread claimed by the unrecorded
 * run and its message as the thread's newest. A message with the same text (a frontend retrying the POST that got no
 * answer) is that start's: its id is returned, so the retry resumes it instead of posting the message twice.
 */
async function orphanedUserMessage(deps: StartRunDeps, threadId: string, claimRunId: string, input: StartRunInput): Promise<string | undefined> {
  if (!deps.threads.listMessages || input.attachments?.length) return undefined;
  const noRuns = { byUpstreamRunId: new Map<string, string>(), byUserMessageId: new Map<string, string>() };
  const newest = (await deps.threads.listMessages(threadId, { limit: 1, order: 'desc' }, noRuns)).data[0]?.message;
  if (!newest || newest.role !== 'user') return undefined;
  const tagged = (newest.metadata as Record<string, string> | null)?.[METADATA_KEYS.runId];
  if (tagged !== undefined && tagged !== claimRunId) return undefined;
  const text = newest.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('');
  return text === input.content ? newest.id : undefined;
}

async function claimedRecently(deps: StartRunDeps, threadId: string, withinMs: number): Promise<boolean> {
  const since = (await deps.ledger.getThread(threadId))?.activeRunSince;
  return since !== undefined && deps.now() - since <= withinMs;
}
