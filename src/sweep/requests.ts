// Requested sweeps (POST /api/maintenance/sweep): recorded, then queued, then run by the sweep worker
// (sweep-worker.ts), never inside the HTTP request: Azure cuts HTTP responses at 230 s, and work left running
// after a response may die with a recycled instance. The row is the outbox: it is written before the message is
// sent, and a request whose message never went out (the send failed, the process died between the two writes) is
// re-sent by the reconciler (reconcile-requests.ts).
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging';
import type { Ledger, SweepRequestRecord } from '../store/ledger';
import type { SweepQueue } from '../store/sweep-queue';

/**
 * A request made while another of the same kind (dry run or not) is still queued or running joins it: that sweep
 * has not started yet or is under way, and a second one would only find the lease held and end skipped. Older open
 * requests than this are left to the reconciler and do not absorb new ones.
 */
export const COALESCE_WINDOW_MS = 60 * 60_000;

export interface SweepRequestDeps {
  ledger: Pick<Ledger, 'recordSweepRequest' | 'listOpenSweepRequests'>;
  queue: Pick<SweepQueue, 'send'>;
  logger: Logger;
  now: () => number;
}

export interface RequestedSweep {
  request: SweepRequestRecord;
  /** True when the request joined one already queued or running. */
  coalesced: boolean;
}

export const newSweepId = (): string => `sweep_${randomBytes(16).toString('hex')}`;

export async function requestSweep(deps: SweepRequestDeps, input: { dryRun: boolean }): Promise<RequestedSweep> {
  const now = deps.now();
  const joinable = (await deps.ledger.listOpenSweepRequests())
    .filter((open) => open.dryRun === input.dryRun && open.requestedAt > now - COALESCE_WINDOW_MS)
    .sort((a, b) => b.requestedAt - a.requestedAt)[0];
  if (joinable) {
    deps.logger.info('sweep request joined one already under way', { sweepId: joinable.sweepId, status: joinable.status, dryRun: input.dryRun });
    return { request: joinable, coalesced: true };
  }
  const request: SweepRequestRecord = { sweepId: newSweepId(), status: 'queued', dryRun: input.dryRun, requestedAt: now, updatedAt: now, attempts: 0, sends: 1 };
  await deps.ledger.recordSweepRequest(request);
  const logger = deps.logger.child({ sweepId: request.sweepId, dryRun: input.dryRun });
  try {
    await deps.queue.send({ sweepId: request.sweepId });
  } catch (error) {
    // The caller gets its sweep either way: the reconciler sends what is still queued after the stall timeout.
    logger.warn('could not queue the sweep; the reconciler will', { error });
  }
  logger.info('sweep requested');
  return { request, coalesced: false };
}
