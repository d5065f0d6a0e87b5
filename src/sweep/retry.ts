// Retries for upstream calls made by the sweep. The SDK's own retries are switched off per request
// (NO_SDK_RETRIES) so that this layer alone decides: Retry-After is honoured on 429, transient
// failures back off exponentially, and the number of attempts is bounded. The sleep is injected
// so tests need not wait.
import { APIError } from 'openai';
import type { Logger } from '../logging';

export const NO_SDK_RETRIES = { maxRetries: 0 } as const;

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** Longest single wait, whatever Retry-After says. */
  maxDelayMs?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_MAX_DELAY_MS = 60_000;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** HTTP status of an SDK error; undefined for connection failures and anything else. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof APIError ? error.status : undefined;
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;

/**
 * How long to wait before attempt `attempt + 1`, or undefined when the error is not worth retrying.
 * 429 waits what Retry-After(-ms) says; timeouts, lock conflicts, 5xx and lost connections back off.
 */
export function retryDelayMs(error: unknown, attempt: number, maxDelayMs = DEFAULT_MAX_DELAY_MS): number | undefined {
  if (!(error instanceof APIError)) return undefined;
  const headers = error.headers;
  if (headers?.get('x-should-retry') === 'false') return undefined;
  const status = error.status;
  const transient = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  if (!transient) return undefined;
  const asked = headers ? retryAfterMs(headers) : undefined;
  const backoff = Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return Math.min(Math.max(0, asked ?? backoff), maxDelayMs);
}

/** retry-after-ms (OpenAI, Azure) first, then Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date - nowMs : undefined;
}

export async function withRetry<T>(what: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt < options.maxAttempts ? retryDelayMs(error, attempt, options.maxDelayMs) : undefined;
      if (delay === undefined) throw error;
      options.logger?.debug('sweep: retrying upstream call', { what, attempt, status: statusOf(error), delayMs: delay });
      await options.sleep(delay);
    }
  }
}
