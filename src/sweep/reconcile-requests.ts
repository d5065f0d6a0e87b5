// Requested sweeps reach an end too (part of the reconciler's timer, src/functions/reconciler.ts). A request still
// queued whose row has not changed for the stall timeout never had its message sent (or the message was lost); a
// running one whose claim is dead (no sweep lease in its name, claimed long ago) lost its worker. Either gets its
// message again, under a compare-and-set on the row so overlapping reconcilers send once; past MAX_SENDS it ends
// failed instead, so a request nobody can deliver does not come back forever.
import type { Logger } from '../logging';
import type { Ledger, SweepRequestRecord } from '../store/ledger';
import type { SweepQueue } from '../store/sweep-queue';
import { SWEEP_LEASE_NAME } from './lease';
import { SWEEP_REASONS } from './request-facts';
import { claimIsLive } from './sweep-claim';

/** The route's send and four re-sends. */
export const MAX_SENDS = 5;

export interface SweepReconcileDeps {
  ledger: Pick<Ledger, 'getLease' | 'listOpenSweepRequests' | 'changeSweepRequest'>;
  queue: Pick<SweepQueue, 'send'>;
  logger: Logger;
  now: () => number;
  /** A request whose row has not changed for this long has lost its message or its worker (RUN_STALL_TIMEOUT). */
  stallMs: number;
}

export interface SweepReconcileSummary {
  resent: number;
  abandoned: number;
  errors: number;
}

export async function reconcileSweepRequests(deps: SweepReconcileDeps): Promise<SweepReconcileSummary> {
  const summary: SweepReconcileSummary = { resent: 0, abandoned: 0, errors: 0 };
  const open = await deps.ledger.listOpenSweepRequests();
  if (open.length === 0) return summary;
  const lease = await deps.ledger.getLease(SWEEP_LEASE_NAME);
  for (const seen of open) {
    const now = deps.now();
    if (now - seen.updatedAt < deps.stallMs || claimIsLive(seen, lease, now)) continue;
    try {
      await reconcileRequest(deps, seen, now, summary);
    } catch (error) {
      summary.errors++;
      deps.logger.warn('could not reconcile a sweep request', { sweepId: seen.sweepId, error });
    }
  }
  return summary;
}

async function reconcileRequest(deps: SweepReconcileDeps, seen: SweepRequestRecord, now: number, summary: SweepReconcileSummary): Promise<void> {
  const giveUp = seen.sends >= MAX_SENDS;
  const result = await deps.ledger.changeSweepRequest(seen.sweepId, (current) => {
    // Someone moved it since it was listed (a worker claimed it, another reconciler re-sent it): not stalled.
    if (current.updatedAt !== seen.updatedAt || current.status !== seen.status) return null;
    if (giveUp) return { ...current, status: 'failed', reason: SWEEP_REASONS.abandoned, finishedAt: now, updatedAt: now, claim: undefined };
    return { ...current, sends: current.sends + 1, updatedAt: now };
  });
  if (!result?.changed) return;
  const logger = deps.logger.child({ sweepId: seen.sweepId, status: seen.status, sends: seen.sends });
  if (giveUp) {
    summary.abandoned++;
    logger.error('gave up a sweep request that could not be delivered');
    return;
  }
  await deps.queue.send({ sweepId: seen.sweepId });
  summary.resent++;
  logger.warn('re-sent a sweep request that stopped changing', { stalledMs: now - seen.updatedAt });
}
