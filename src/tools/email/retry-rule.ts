// When send_email may try again. The rule, and why:
//
// An email must never go out twice, and the app cannot see past the Logic App. So a request is repeated only
// when the previous attempt provably did not start a send, or when the receiver promises to recognise the repeat:
//   1. Never reached it: the connection was refused, the name did not resolve, the host/network was unreachable,
//      or the connection could not be opened in time. No bytes of the request were delivered, so nothing ran.
//   2. Turned away before running: 429 with Retry-After is the Logic App trigger's throttling answer; the
//      workflow did not start. (A 429 without Retry-After is a refusal: nothing was sent, and we stop.)
//   3. Repeatable (EMAIL_REPEATABILITY=acs): the workflow passes Idempotency-Key and Repeatability-First-Sent to
//      ACS Email, which answers a repeat within 5 minutes of the first-sent time with the original outcome (409
//      while the original is still in progress) instead of sending again. So an ambiguous failure (reset, timeout
//      after the request went out, 5xx) may be repeated while the first-sent time is inside that window, less a
//      margin for clock skew between us and ACS.
// Everything else that is ambiguous becomes `unknown_outcome`: a 412 (ACS: first-sent time outside its window),
// any ambiguous failure without repeatability or past the window. Those are reported to the model, never resent.
// Other 4xx answers are definite refusals: nothing was sent.
import { REPEATABILITY_WINDOW_MS } from './idempotency';

export type EmailRepeatability = 'none' | 'acs';

/** Left unused at the end of the window: our clock and ACS's may disagree by this much. */
export const CLOCK_SKEW_MARGIN_MS = 60_000;

/** Connection-level failures (Node/undici codes) that mean the request was never delivered. */
const NEVER_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export type AttemptFailure =
  | { kind: 'response'; status: number; retryAfterMs?: number }
  | { kind: 'network'; code: string };

export type RetryDecision =
  /** Safe to send again (after `minDelayMs`, e.g. Retry-After). */
  | { action: 'retry'; why: 'not_delivered' | 'throttled' | 'repeatable'; minDelayMs?: number }
  /** Definitely not sent. */
  | { action: 'refused' }
  /** May or may not have been sent; must not be repeated. */
  | { action: 'unknown'; why: 'outside_window' | 'not_repeatable' };

export interface RetryRuleInput {
  failure: AttemptFailure;
  repeatability: EmailRepeatability;
  /** Epoch ms of the first attempt (the first-sent time every attempt carries). */
  firstSentAt: number;
  /** Epoch ms at which the next attempt would go out. */
  nextAttemptAt: number;
}

export function isNeverDelivered(code: string): boolean {
  return NEVER_DELIVERED.has(code);
}

/** Whether the repeat at `at` still falls inside the receiver's window for a request first sent at `firstSentAt`. */
export function withinRepeatabilityWindow(firstSentAt: number, at: number): boolean {
  return at - firstSentAt < REPEATABILITY_WINDOW_MS - CLOCK_SKEW_MARGIN_MS;
}

export function decideRetry({ failure, repeatability, firstSentAt, nextAttemptAt }: RetryRuleInput): RetryDecision {
  const repeatable = () =>
    repeatability === 'acs'
      ? withinRepeatabilityWindow(firstSentAt, nextAttemptAt)
        ? ({ action: 'retry', why: 'repeatable' } as const)
        : ({ action: 'unknown', why: 'outside_window' } as const)
      : ({ action: 'unknown', why: 'not_repeatable' } as const);

  if (failure.kind === 'network') return isNeverDelivered(failure.code) ? { action: 'retry', why: 'not_delivered' } : repeatable();
  const { status } = failure;
  if (status === 429) {
    return failure.retryAfterMs !== undefined ? { action: 'retry', why: 'throttled', minDelayMs: failure.retryAfterMs } : { action: 'refused' };
  }
  if (status === 412) return { action: 'unknown', why: 'outside_window' };
  // ACS: the original request is still being processed. Only a repeatable receiver answers this way.
  if (status === 409 && repeatability === 'acs') return repeatable();
  if (status >= 500) return repeatable();
  return { action: 'refused' };
}
