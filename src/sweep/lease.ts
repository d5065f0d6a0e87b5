// One sweep at a time: the sweep holds a lease row in storage (ledger acquireLease, with a TTL) and
// renews it while it works. A sweep that loses the lease (it stalled past the TTL and another took
// over) stops deleting; whatever it leaves, the holder or the next firing finds again.
import type { LeaseStore } from '../store/ledger';
import type { Logger } from '../logging';

export const SWEEP_LEASE_NAME = 'sweep';
export const DEFAULT_LEASE_TTL_MS = 5 * 60_000;

export interface HeldLease {
  /** True once a renewal found the lease taken over (or gone). */
  readonly lost: boolean;
  /** Stops renewing and gives the lease up (if still held). Never throws. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  name: string;
  holder: string;
  ttlMs: number;
  /** Epoch milliseconds. */
  now: () => number;
  logger: Logger;
  /** Default: a third of the TTL, so two renewals may fail before the lease lapses. */
  renewEveryMs?: number;
}

/** The held lease, or undefined when another holder has it. */
export async function acquireSweepLease(leases: Pick<LeaseStore, 'acquireLease' | 'renewLease' | 'releaseLease'>, options: LeaseOptions): Promise<HeldLease | undefined> {
  const { name, holder, ttlMs, now, logger } = options;
  if (!(await leases.acquireLease(name, holder, ttlMs, now()))) return undefined;

  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    try {
      if (!(await leases.renewLease(name, holder, ttlMs, now()))) {
        lost = true;
        logger.warn('sweep lease lost; stopping', { lease: name, holder });
      }
    } catch (error) {
      // A storage hiccup: the lease is still ours until it expires; the next tick tries again.
      logger.warn('sweep lease renewal failed', { lease: name, error });
    }
  };
  const timer = setInterval(() => {
    if (!lost) renewing = renewing.then(renew);
  }, options.renewEveryMs ?? Math.max(1_000, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      await renewing;
      try {
        await leases.releaseLease(name, holder);
      } catch (error) {
        // It lapses by itself after the TTL.
        logger.warn('sweep lease release failed', { lease: name, error });
      }
    },
  };
}
