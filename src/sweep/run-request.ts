// The sweep worker's logic (src/functions/sweep-worker.ts is its queue trigger): claims the requested sweep, runs
// it under the sweep lease, records the outcome. A throw lets the host redeliver the message (the same message id
// takes its claim back) and, past maxDequeueCount, move it to the poison queue, whose handler marks it failed.
import type { Logger } from '../logging';
import type { Ledger, SweepRequestRecord } from '../store/ledger';
import { SWEEP_LEASE_NAME } from './lease';
import { SWEEP_REASONS, type SweepQueueMessage } from './request-facts';
import { claimVerdict, leaseHolderOf, type ClaimVerdict } from './sweep-claim';
import type { SweepSummary } from './summary';

export interface SweepWorkerDeps {
  ledger: Pick<Ledger, 'getLease' | 'changeSweepRequest' | 'deleteSweepRequestsBefore'>;
  logger: Logger;
  now: () => number;
  /** One sweep as `holder` (runSweep with the deployment's dependencies). */
  sweep(holder: string, dryRun: boolean): Promise<SweepSummary>;
  /** Ended requests older than this are deleted after each sweep (LEDGER_RETENTION). */
  retentionMs: number;
}

export type SweepMessageOutcome = 'succeeded' | 'skipped' | 'superseded' | 'unknown_sweep' | Exclude<ClaimVerdict, 'claim'>;

export async function processSweepMessage(
  deps: SweepWorkerDeps,
  message: SweepQueueMessage,
  delivery: { messageId: string },
): Promise<{ outcome: SweepMessageOutcome; summary?: SweepSummary }> {
  const { sweepId } = message;
  const logger = deps.logger.child({ sweepId });
  const lease = await deps.ledger.getLease(SWEEP_LEASE_NAME);
  const now = deps.now();
  let verdict: ClaimVerdict = 'claim';
  const claimed = await deps.ledger.changeSweepRequest(sweepId, (current) => {
    verdict = claimVerdict(current, lease, now, delivery.messageId);
    return verdict === 'claim' ? { ...current, status: 'running', claim: delivery.messageId, claimedAt: now, startedAt: now, attempts: current.attempts + 1, updatedAt: now } : null;
  });
  if (!claimed) {
    logger.warn('sweep message for a request the ledger does not have; dropped');
    return { outcome: 'unknown_sweep' };
  }
  if (verdict !== 'claim') {
    logger.info('sweep message needs nothing done', { outcome: verdict, status: claimed.record.status });
    return { outcome: verdict };
  }

  const summary = await deps.sweep(leaseHolderOf(sweepId), claimed.record.dryRun);
  const ended = await deps.ledger.changeSweepRequest(sweepId, (current) => {
    // Taken over meanwhile (this worker was presumed dead) or already ended: that one's outcome stands.
    if (current.status !== 'running' || current.claim !== delivery.messageId) return null;
    const at = deps.now();
    const outcome: SweepRequestRecord = { ...current, status: summary.leaseAcquired ? 'succeeded' : 'skipped', finishedAt: at, updatedAt: at, summary };
    if (!summary.leaseAcquired) outcome.reason = SWEEP_REASONS.leaseHeld;
    return outcome;
  });
  const outcome: SweepMessageOutcome = ended?.changed ? (summary.leaseAcquired ? 'succeeded' : 'skipped') : 'superseded';
  logger.info('requested sweep ended', { outcome, dryRun: summary.dryRun, complete: summary.complete });
  await pruneOldRequests(deps, logger);
  return { outcome, summary };
}

/** The poison queue's handler: a request whose message kept failing ends failed (unless it ended already). */
export async function processPoisonedSweepMessage(
  deps: Pick<SweepWorkerDeps, 'ledger' | 'logger' | 'now'>,
  message: SweepQueueMessage,
): Promise<'marked_failed' | 'already_ended' | 'unknown_sweep'> {
  const at = deps.now();
  const result = await deps.ledger.changeSweepRequest(message.sweepId, (current) =>
    current.status === 'queued' || current.status === 'running'
      ? // The claim goes, so a worker still running it cannot record an outcome over this one.
        { ...current, status: 'failed', reason: SWEEP_REASONS.poisoned, finishedAt: at, updatedAt: at, claim: undefined }
      : null,
  );
  if (!result) return 'unknown_sweep';
  if (!result.changed) return 'already_ended';
  deps.logger.error('requested sweep marked failed after repeated processing failures', { sweepId: message.sweepId });
  return 'marked_failed';
}

async function pruneOldRequests(deps: SweepWorkerDeps, logger: Logger): Promise<void> {
  try {
    const deleted = await deps.ledger.deleteSweepRequestsBefore(deps.now() - deps.retentionMs);
    if (deleted > 0) logger.info('deleted old sweep requests', { deleted });
  } catch (error) {
    // The next requested sweep tries again.
    logger.warn('could not delete old sweep requests', { error });
  }
}
