// The reconciler: every run reaches an end even when the process that was moving it died. It runs on its own timer
// (functions/reconciler.ts) and finds, from the ledger alone:
// - runs still under way whose row has not changed for RUN_STALL_TIMEOUT: their queue message was never sent (crash
//   or failure between recording and sending: the row is the outbox), or their worker died holding it. Each gets a
//   fresh queue generation (compare-and-set, so a follower that is only slow stops at its next re-queue);
// - such runs that nobody can follow (a direct answer interrupted inside its HTTP request: no assistant, no queue
//   message) or that are past their expiry (or RUN_MAX_LIFETIME without one) plus the stall timeout: they are
//   stopped upstream, their running tool calls closed as unknown, and they end failed or expired with a reason;
// - threads whose active run ended (its finalizing cut short: running tool calls are closed) or was never recorded:
//   they are freed.
// Every action is idempotent, so overlapping reconcilers (two instances) do no harm.
import { OTHER_ROUTE } from '../copilot/constants';
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import { leaseAfter } from './follow-lease';
import { closeClaimedToolCalls, finalizeRun } from './run-follower';
import { isTerminal, type RunError, type RunStatus } from './run-facts';
import type { UpstreamRuns } from './upstream-runs';

export interface ReconcileDeps {
  ledger: Ledger;
  queue: Pick<RunQueue, 'send'>;
  upstream: Pick<UpstreamRuns, 'cancel'>;
  logger: Logger;
  now: () => number;
  /** A run whose ledger row has not changed for this long has lost its follower. */
  stallMs: number;
  /** How long a run without an upstream expiry may live before it is given up. */
  maxLifetimeMs: number;
  /** Most runs (and threads) one pass handles; the next pass continues. Default 100. */
  limit?: number;
  /** RUN_FOLLOW_LEASE: the lease a re-queued generation gets (runs/follow-lease.ts); without it, none. */
  followLeaseMs?: number;
}

export interface ReconcileSummary {
  requeued: number;
  failed: number;
  expired: number;
  threadsFreed: number;
  errors: number;
}

export const INTERRUPTED_ANSWER_ERROR: RunError = {
  code: 'run_interrupted',
  message: 'The answer was interrupted before it finished. Please try again.',
};
export const ABANDONED_RUN_ERROR: RunError = {
  code: 'run_abandoned',
  message: 'The assistant stopped making progress on this request and it was given up. Please try again.',
};

/** A new message on the thread took over a run that had stopped making progress (runs/start-run.ts). */
export const SUPERSEDED_RUN_ERROR: RunError = {
  code: 'run_superseded',
  message: 'The assistant stopped making progress on this request, and a newer message on the thread replaced it.',
};

/** What the reconciler does with a run that stopped changing. */
export type Verdict = { action: 'requeue' } | { action: 'finish'; status: Extract<RunStatus, 'failed' | 'expired'>; lastError: RunError };

export function judgeStalledRun(run: RunRecord, now: number, limits: Pick<ReconcileDeps, 'stallMs' | 'maxLifetimeMs'>): Verdict {
  // A direct answer died with its request (nothing queued it); and the worker cannot follow a run without an assistant.
  if ((run.routedTo === OTHER_ROUTE && !run.upstreamRunId) || !run.assistantId) return { action: 'finish', status: 'failed', lastError: INTERRUPTED_ANSWER_ERROR };
  const endsAt = run.expiresAt ?? run.createdAt + limits.maxLifetimeMs;
  if (now <= endsAt + limits.stallMs) return { action: 'requeue' };
  if (run.expiresAt !== undefined) return { action: 'finish', status: 'expired', lastError: { code: 'run_expired', message: 'The run expired before it could finish.' } };
  return { action: 'finish', status: 'failed', lastError: ABANDONED_RUN_ERROR };
}

/**
 * The lease pass (its own fast timer, LEASE_RECONCILE_SCHEDULE): runs under way whose follow lease lapsed lost their
 * follower (a dead instance, whose queue message stays invisible for the trigger's lease) or their queue message
 * (never sent, or lost between taking a generation and sending it). Each is re-queued as the next generation
 * (compare-and-set, with a fresh lease in the same write, so a second reconciler instance or a second tick leaves it
 * alone), or ended when it is past its expiry plus the stall timeout. One filtered query; nothing when idle.
 */
export async function reconcileLapsedLeases(deps: ReconcileDeps): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { requeued: 0, failed: 0, expired: 0, threadsFreed: 0, errors: 0 };
  for (const run of await deps.ledger.listRunsWithLapsedLease(deps.now(), { limit: deps.limit ?? 100 })) {
    try {
      await reconcileRun(deps, run, summary);
    } catch (error) {
      summary.errors++;
      deps.logger.warn('could not reconcile a run whose lease lapsed', { threadId: run.threadId, runId: run.runId, error });
    }
  }
  return summary;
}

/**
 * Dead: under way, but nobody is answerable for it (no live follow lease), its row has not changed for the stall
 * timeout, and it is past what the reconciler would still re-queue (its expiry, or RUN_MAX_LIFETIME, plus the stall
 * timeout; or a direct answer cut off). Such a run will never end by itself before the reconciler gives it up.
 */
export function isDeadRun(run: RunRecord, now: number, limits: Pick<ReconcileDeps, 'stallMs' | 'maxLifetimeMs'>): boolean {
  if (isTerminal(run.status)) return false;
  if (run.followLeaseUntil !== undefined && run.followLeaseUntil >= now) return false;
  if (now - run.updatedAt <= limits.stallMs) return false;
  return judgeStalledRun(run, now, limits).action === 'finish';
}

/**
 * Ends a dead run that a new message took over (the thread already points at the new run): stopped upstream (best
 * effort), its claimed tool calls closed as unknown, failed with `run_superseded`. Idempotent.
 */
export async function supersedeDeadRun(deps: Pick<ReconcileDeps, 'ledger' | 'upstream' | 'logger' | 'now'>, run: RunRecord, byRunId: string): Promise<RunRecord> {
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  if (run.upstreamRunId) {
    try {
      await deps.upstream.cancel(run.threadId, run.upstreamRunId);
    } catch (error) {
      logger.warn('could not cancel the superseded run upstream', { error });
    }
  }
  const ended = await finalizeRun(deps, run, { status: 'failed', lastError: SUPERSEDED_RUN_ERROR });
  logger.warn('a new message took over a dead run', { status: run.status, byRunId, stalledMs: deps.now() - run.updatedAt });
  return ended;
}

export async function reconcileRuns(deps: ReconcileDeps): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { requeued: 0, failed: 0, expired: 0, threadsFreed: 0, errors: 0 };
  const cutoff = deps.now() - deps.stallMs;
  const limit = deps.limit ?? 100;
  for (const run of await deps.ledger.listRunsUnchangedSince(cutoff, { limit })) {
    // A follower renewing its lease is alive, however long its upstream or tool has been silent.
    if (run.followLeaseUntil !== undefined && run.followLeaseUntil > deps.now()) continue;
    try {
      await reconcileRun(deps, run, summary);
    } catch (error) {
      // One run's trouble (storage blip, a queue that is down) must not stop the others; the next pass retries it.
      summary.errors++;
      deps.logger.warn('could not reconcile a run', { threadId: run.threadId, runId: run.runId, error });
    }
  }
  for (const thread of await deps.ledger.listThreadsWithActiveRunSince(cutoff, { limit })) {
    const activeRunId = thread.activeRunId;
    if (!activeRunId) continue;
    try {
      const run = await deps.ledger.getRun(thread.threadId, activeRunId);
      if (run && !isTerminal(run.status)) continue; // the run pass above handles it
      // Its finalizing was cut short: the tool calls it would have closed are closed here.
      if (run && run.status !== 'completed') await closeClaimedToolCalls(deps, run);
      await deps.ledger.setActiveRun(thread.threadId, null, { expectRunId: activeRunId });
      summary.threadsFreed++;
      deps.logger.warn('freed a thread whose active run had ended or was never recorded', { threadId: thread.threadId, runId: activeRunId });
    } catch (error) {
      summary.errors++;
      deps.logger.warn('could not free a thread', { threadId: thread.threadId, runId: activeRunId, error });
    }
  }
  return summary;
}

async function reconcileRun(deps: ReconcileDeps, run: RunRecord, summary: ReconcileSummary): Promise<void> {
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  const verdict = judgeStalledRun(run, deps.now(), deps);
  if (verdict.action === 'requeue') {
    const from = run.followGeneration ?? 0;
    // Lost the compare-and-set: a follower moved the run meanwhile, so it is not stalled after all.
    const patch = deps.followLeaseMs ? { followLeaseUntil: leaseAfter(deps.now(), deps.followLeaseMs) } : {};
    if (!(await deps.ledger.advanceFollowGeneration(run.threadId, run.runId, from, patch, { leaseLapsedBy: deps.now() }))) return;
    await deps.queue.send({ threadId: run.threadId, runId: run.runId, generation: from + 1 });
    summary.requeued++;
    logger.warn('re-queued a run that lost its follower', { status: run.status, stalledMs: deps.now() - run.updatedAt, leaseLapsedMs: run.followLeaseUntil === undefined ? undefined : deps.now() - run.followLeaseUntil, generation: from + 1 });
    return;
  }
  if (run.upstreamRunId) {
    try {
      await deps.upstream.cancel(run.threadId, run.upstreamRunId);
    } catch (error) {
      // Best effort: it may have ended upstream already.
      logger.warn('could not cancel the given-up run upstream', { error });
    }
  }
  await finalizeRun(deps, run, { status: verdict.status, lastError: verdict.lastError });
  summary[verdict.status]++;
  logger.error('gave up a run that could not finish', { status: verdict.status, code: verdict.lastError.code });
}
