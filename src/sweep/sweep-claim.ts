// Who may run a requested sweep. A delivery claims the request (queued → running, under the row's ETag) before it
// sweeps, so duplicates of its message (at-least-once delivery, or the reconciler's re-send) do not sweep twice;
// the sweep lease (lease.ts) keeps any two sweeps from overlapping besides. A claim whose worker died is taken over.
import type { LeaseRecord, SweepRequestRecord } from '../store/ledger';
import { isSweepRequestTerminal } from './request-facts';

/**
 * How long a fresh claim counts as live without the lease: the moments between claiming and acquiring the lease
 * (and between releasing it and recording the outcome). Past it, a claim not backed by the lease is a dead worker's.
 */
export const CLAIM_GRACE_MS = 60_000;

/** The lease holder a requested sweep runs as (runSweep appends `#<random>`), so its lease says whose it is. */
export const leaseHolderOf = (sweepId: string): string => `sweep@${sweepId}`;

/** True while the request's sweep provably runs somewhere: the sweep lease is held, unexpired, in its name. */
export function holdsLease(request: Pick<SweepRequestRecord, 'sweepId'>, lease: LeaseRecord | null, now: number): boolean {
  return !!lease && lease.expiresAt > now && lease.holder.startsWith(`${leaseHolderOf(request.sweepId)}#`);
}

/** A running request someone is (or may just have started) working on. */
export function claimIsLive(request: SweepRequestRecord, lease: LeaseRecord | null, now: number): boolean {
  return request.status === 'running' && (holdsLease(request, lease, now) || now - (request.claimedAt ?? 0) < CLAIM_GRACE_MS);
}

export type ClaimVerdict = 'claim' | 'already_ended' | 'in_progress';

/** What a delivery of `messageId` does with the request: run it, or acknowledge the message and leave it. */
export function claimVerdict(request: SweepRequestRecord, lease: LeaseRecord | null, now: number, messageId: string): ClaimVerdict {
  if (isSweepRequestTerminal(request.status)) return 'already_ended';
  if (request.status === 'queued') return 'claim';
  if (holdsLease(request, lease, now)) return 'in_progress';
  // The same message again: the delivery that claimed it failed (the host retries it) or died.
  if (request.claim === messageId) return 'claim';
  return claimIsLive(request, lease, now) ? 'in_progress' : 'claim';
}
