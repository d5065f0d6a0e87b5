// What a failed worker delivery means for its run. Upstream trouble that passes (a 5xx after the SDK's own
// retries, a dropped stream, a reset or timeout, storage that is briefly unreachable) re-queues the run with
// exponential backoff and jitter, counted in the run's ledger row; a request the upstream refuses (4xx but 429)
// cannot succeed on a retry and fails the run at once with a reason; anything we cannot place is thrown to the
// host, whose retries end on the poison queue (runs/poison.ts).
import { AppError } from '../errors';
import { classifyUpstreamError } from '../upstream/errors';
import type { RunError } from './run-facts';

export type RunFailure =
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  | { kind: 'transient'; error: RunError }
  | { kind: 'permanent'; error: RunError }
  /** Not recognised (a bug, an unexpected library error): left to the host's retries and the poison queue. */
  | { kind: 'unknown' };

/** Transient failures in a row (a pass that works resets the count) a run may retry before it is failed: with the backoff below, about four minutes. */
export const TRANSIENT_FAILURE_BUDGET = 8;
const BACKOFF_BASE_S = 2;
const BACKOFF_MAX_S = 60;

/** Node's socket-level codes for a connection that dropped or could not be made. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

export function classifyRunFailure(error: unknown): RunFailure {
  if (isDroppedConnection(error) || isTransientStorageError(error)) {
    return { kind: 'transient', error: { code: 'upstream_unavailable', message: 'The connection to a service the run depends on dropped.' } };
  }
  const mapped = error instanceof AppError ? error : classifyUpstreamError(error);
  if (mapped.code === 'rate_limited') {
    const retryAfter = mapped.details.retryAfterSeconds;
    return { kind: 'rate_limited', ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}) };
  }
  if (mapped.code === 'upstream_unavailable') return { kind: 'transient', error: runError(mapped) };
  if (mapped.code === 'upstream_error') {
    const status = mapped.details.upstreamStatus;
    // No status: an error event inside a stream that had started (the service's own failure mid-run).
    if (typeof status !== 'number' || status >= 500) return { kind: 'transient', error: runError(mapped) };
    return { kind: 'permanent', error: runError(mapped) };
  }
  if (mapped.code === 'not_found' || mapped.code === 'run_active' || mapped.code === 'validation_failed') return { kind: 'permanent', error: runError(mapped) };
  return { kind: 'unknown' };
}

/** Seconds before the next try after the `failures`-th transient failure: doubling from 2 s up to 60 s, jittered to 50-100 %. */
export function backoffSeconds(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** Math.max(0, failures - 1));
  return Math.max(1, Math.round(ceiling * (0.5 + random() * 0.5)));
}

function runError(error: AppError): RunError {
  return { code: error.code, message: error.message };
}

/** A stream cut mid-way surfaces as fetch's `TypeError: terminated` (undici) or a socket error in the cause chain. */
function isDroppedConnection(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (current instanceof TypeError && /terminated|fetch failed|other side closed/i.test(current.message)) return true;
  }
  return false;
}

/** Azure Storage's RestError: a 5xx (ServerBusy, InternalError) or no status at all (the request never got an answer). */
function isTransientStorageError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'RestError') return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status !== 'number' || status >= 500 || status === 408;
}
