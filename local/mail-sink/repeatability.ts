// The repeatable-requests contract of ACS Email, which the send-email workflow passes the app's headers to:
// a request id (Idempotency-Key) seen within 5 minutes is answered with the first outcome instead of being
// executed again; a first-sent time (Repeatability-First-Sent, IMF-fixdate) older than 5 minutes is refused
// with 412; a repeat whose body differs from the first is refused with 400.
import { createHash } from 'node:crypto';
import { parseFirstSent, REPEATABILITY_WINDOW_MS } from '../../src/tools/email/idempotency';

export interface FirstOutcome {
  status: number;
  runId: string;
}

interface Tracked {
  bodyHash: string;
  at: number;
  outcome: FirstOutcome;
}

export type RepeatCheck =
  | { kind: 'new' }
  | { kind: 'repeat'; outcome: FirstOutcome }
  | { kind: 'rejected'; status: 400 | 412; code: string; message: string };

export class RepeatabilityTracker {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly now: () => number = Date.now) {}

  check(key: string | undefined, firstSent: string | undefined, body: Buffer): RepeatCheck {
    this.expire();
    if (firstSent !== undefined) {
      const sentAt = parseFirstSent(firstSent);
      if (sentAt === undefined) return { kind: 'rejected', status: 400, code: 'InvalidRepeatabilityFirstSent', message: 'Repeatability-First-Sent must be an IMF-fixdate (RFC 7231).' };
      if (this.now() - sentAt > REPEATABILITY_WINDOW_MS) {
        return { kind: 'rejected', status: 412, code: 'RepeatabilityPreconditionFailed', message: 'Repeatability first sent header not within 5 minute window.' };
      }
    }
    if (!key) return { kind: 'new' };
    const seen = this.tracked.get(key);
    if (!seen) return { kind: 'new' };
    if (seen.bodyHash !== hash(body)) return { kind: 'rejected', status: 400, code: 'RepeatabilityRequestMismatch', message: 'A request with this Idempotency-Key but another body was already received.' };
    return { kind: 'repeat', outcome: seen.outcome };
  }

  /** Remembers the outcome of an executed request (only successful ones: a failed one may be executed again). */
  record(key: string | undefined, body: Buffer, outcome: FirstOutcome): void {
    if (key) this.tracked.set(key, { bodyHash: hash(body), at: this.now(), outcome });
  }

  private expire(): void {
    for (const [key, t] of this.tracked) if (this.now() - t.at > REPEATABILITY_WINDOW_MS) this.tracked.delete(key);
  }
}

const hash = (body: Buffer) => createHash('sha256').update(body).digest('hex');
