// A requested sweep (POST /api/maintenance/sweep): its statuses, its queue message and the reasons a request
// ends without a summary. The one home of these facts; the store, the worker, the reconciler and the API read them.
import { z } from 'zod';

/**
 * queued: recorded, its message sent or about to be (the row is the outbox); running: a worker claimed it;
 * succeeded: the sweep ran (its summary may still say complete: false); skipped: another sweep held the lease, so
 * this one did nothing; failed: its message kept failing (poison) or it could not be delivered at all.
 */
export const SWEEP_REQUEST_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type SweepRequestStatus = (typeof SWEEP_REQUEST_STATUSES)[number];

const TERMINAL: ReadonlySet<SweepRequestStatus> = new Set(['succeeded', 'failed', 'skipped']);
export const isSweepRequestTerminal = (status: SweepRequestStatus): boolean => TERMINAL.has(status);

/** Why a request ended skipped or failed, as the API shows it. */
export interface SweepRequestReason {
  code: 'sweep_lease_held' | 'sweep_poisoned' | 'sweep_abandoned';
  message: string;
}

export const SWEEP_REASONS = {
  leaseHeld: { code: 'sweep_lease_held', message: 'Another sweep held the sweep lease, so this one did nothing; the next sweep continues.' },
  poisoned: { code: 'sweep_poisoned', message: 'The sweep kept failing and was given up; the next scheduled sweep continues.' },
  abandoned: { code: 'sweep_abandoned', message: 'The sweep could not be delivered to a worker and was given up; request another.' },
} as const satisfies Record<string, SweepRequestReason>;

/** Our ids: `sweep_` and 32 hex digits. */
export const SWEEP_ID_PATTERN = /^sweep_[0-9a-f]{32}$/;

/** The sweep queue's message (JSON, base64 on the queue like the run queue's). */
export const sweepQueueMessageSchema = z.object({ sweepId: z.string().regex(SWEEP_ID_PATTERN) });
export type SweepQueueMessage = z.infer<typeof sweepQueueMessageSchema>;

/** The queue trigger's input: the library parses JSON messages; a string is parsed here. */
export function parseSweepQueueMessage(queued: unknown): SweepQueueMessage {
  return sweepQueueMessageSchema.parse(typeof queued === 'string' ? JSON.parse(queued) : queued);
}
