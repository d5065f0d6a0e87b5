// The follow lease: while a worker follows a run, the run row says until when someone is answerable for it
// (`followLeaseUntil`). In Azure a dead instance's queue message stays invisible for the trigger's 10-minute lease,
// so the queue alone would recover a crash in minutes; the lease lets the reconciler (runs/reconcile.ts, lease pass)
// re-queue the run seconds after its follower stopped renewing.
// The lease is written for free where the run row is written anyway (recorded by start-run, re-queued by the worker
// or the reconciler: `leaseAfter`); a worker renews it only when it still follows the run half a lease later, so a
// short run pays no extra storage write.
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';

export interface FollowLeaseDeps {
  ledger: Pick<Ledger, 'renewFollowLease'>;
  logger: Logger;
  now: () => number;
  /** How long a follower may go without renewing before its run is presumed abandoned (RUN_FOLLOW_LEASE). */
  followLeaseMs: number;
  /**
   * Longest one delivery may hold the lease (its follow budget plus the tool reclaim time). A delivery still running
   * past it is presumed hung (an invocation past functionTimeout goes on in the process): its lease is let go, so the
   * run is re-queued rather than held forever by a timer that outlives the work.
   */
  maxHoldMs: number;
}

/** A renewal that failed (storage blip) is tried again this soon, while the lease still holds. */
const RETRY_MS = 1_000;

/** The lease a queue message sent now, visible after `delaySeconds`, carries: its pick-up is covered too. */
export function leaseAfter(now: number, leaseMs: number, delaySeconds = 0): number {
  return now + delaySeconds * 1_000 + leaseMs;
}

/**
 * Keeps the run's lease while this delivery (generation `generation`) follows it: the first renewal comes when half
 * of the current lease is left, then every half lease. It stops by itself once another generation took the run over
 * or it ended (the follower itself stops at its next compare-and-set). Call the returned function when done.
 */
export function holdFollowLease(deps: FollowLeaseDeps, run: RunRecord, generation: number, logger: Logger): () => void {
  const half = deps.followLeaseMs / 2;
  const holdUntil = deps.now() + deps.maxHoldMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (!stopped) timer = setTimeout(() => void renew(), Math.max(0, ms));
  };
  const renew = async () => {
    if (deps.now() > holdUntil) {
      logger.warn('delivery outlived its follow budget; follow lease let go', { generation });
      return;
    }
    try {
      const held = await deps.ledger.renewFollowLease(run.threadId, run.runId, generation, deps.now() + deps.followLeaseMs);
      if (held) schedule(half);
      else logger.info('follow lease not renewed: the run ended or another delivery follows it', { generation });
    } catch (error) {
      logger.warn('could not renew the follow lease; retrying', { generation, error });
      schedule(RETRY_MS);
    }
  };
  // A row without a lease (written before leases existed) gets one after half a lease, like any other.
  schedule((run.followLeaseUntil ?? deps.now() + deps.followLeaseMs) - half - deps.now());
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
