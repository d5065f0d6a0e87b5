// Typed application errors. Thrown anywhere; mapped to HTTP responses once (src/api/http-errors.ts).

export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_multipart'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'run_active'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'internal_error';

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly status: number,
    /** retryAfterSeconds becomes Retry-After (429, 503); allow becomes Allow (405). */
    public readonly details: { retryAfterSeconds?: number; allow?: readonly string[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new AppError('validation_failed', message, 400, details);
export const unauthorized = (message = 'Authentication required.') => new AppError('unauthorized', message, 401);
export const notFound = (what: string) => new AppError('not_found', `${what} not found.`, 404);
export const runActive = (threadId: string, runId: string) =>
  new AppError('run_active', `Thread ${threadId} already has an active run ${runId}.`, 409, { runId });
