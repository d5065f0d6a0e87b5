// Backoff for HTTP calls made by tools: exponential with jitter, Retry-After (src/retry-after.ts) honoured.
import { setTimeout as delay } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 429, 5xx and network failures are worth another attempt; other 4xx will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Wait before attempt `attempt + 1`. "Equal jitter": half the exponential step fixed, half random,
 * so concurrent callers spread out without any of them retrying immediately.
 * A server's Retry-After wins when it asks for longer.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Default sleep: rejects (AbortError) as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}
