// Maps what the `openai` SDK throws into AppError, so routes and the worker deal with one error type.
// Messages never carry URLs, keys or signatures: upstream text is scrubbed and shortened before it is kept.
import OpenAI from 'openai';
import { AppError, notFound, runActive } from '../errors';
import { redact } from '../logging';
import { retryAfterMs } from '../retry-after';

export interface UpstreamErrorContext {
  /** What was being looked up, for not-found messages ("Thread" → "Thread not found."). */
  what?: string;
  /** The thread the call was about, when the upstream message does not name it. */
  threadId?: string;
}

const ACTIVE_RUN = /already has an active run|while a run\b.*\bis active/i;
const MESSAGE_LIMIT = 300;
/** `api-key=...`, `token: ...` and the like, outside URLs (which the shared redactor already covers). */
const CREDENTIAL_ASSIGNMENT = /\b(api[-_]?key|key|token|access_token|sig|signature|secret|password)\s*[=:]\s*[^\s;,&"']+/gi;
const OPENAI_STYLE_KEY = /\bsk-[A-Za-z0-9_-]{6,}/g;

export function classifyUpstreamError(error: unknown, context: UpstreamErrorContext = {}): AppError {
  if (error instanceof AppError) return error;

  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('upstream_unavailable', 'The Assistants service did not answer in time.', 503);
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return new AppError('upstream_unavailable', 'The request to the Assistants service was cancelled.', 503);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new AppError('upstream_unavailable', 'The Assistants service could not be reached.', 503);
  }
  if (error instanceof OpenAI.APIError) {
    if (typeof error.status === 'number') return fromStatus(error.status, upstreamMessage(error), error.headers, context);
    // No status: an error event inside a stream that had already started.
    const detail = upstreamMessage(error);
    return new AppError('upstream_error', `The Assistants service reported an error${detail ? `: ${detail}` : '.'}`, 502);
  }
  if (error instanceof OpenAI.OpenAIError) {
    // The SDK raises these before sending, e.g. when the token provider behind the async apiKey
    // ("Failed to get token from 'apiKey' function: ...") fails or returns nothing.
    return /'apiKey' function/.test(error.message)
      ? new AppError('upstream_unavailable', 'Could not obtain credentials for the Assistants service.', 503)
      : new AppError('upstream_error', 'The Assistants client failed before sending the request.', 502);
  }
  return new AppError('internal_error', 'Unexpected failure while calling the Assistants service.', 500);
}

function fromStatus(status: number, message: string, headers: Headers | undefined, context: UpstreamErrorContext): AppError {
  if (status === 404) return notFound(context.what ?? 'Upstream resource');
  if ((status === 400 || status === 409) && ACTIVE_RUN.test(message)) {
    const runId = /\b(run_[A-Za-z0-9_-]+)/.exec(message)?.[1];
    const threadId = context.threadId ?? /\b(thread_[A-Za-z0-9_-]+)/.exec(message)?.[1];
    if (runId && threadId) return runActive(threadId, runId);
    return new AppError('run_active', 'The thread already has an active run.', 409, runId ? { runId } : {});
  }
  if (status === 429) {
    const retryAfterSeconds = retryAfter(headers);
    return new AppError('rate_limited', 'The Assistants service is rate limiting requests; retry later.', 429, retryAfterSeconds ? { retryAfterSeconds } : {});
  }
  if (status === 502 || status === 503 || status === 504) {
    const retryAfterSeconds = retryAfter(headers);
    return new AppError('upstream_unavailable', 'The Assistants service is temporarily unavailable.', 503, retryAfterSeconds ? { retryAfterSeconds } : {});
  }
  if (status >= 500) return new AppError('upstream_error', 'The Assistants service failed to process the request.', 502, { upstreamStatus: status });
  if (status === 401 || status === 403) {
    // Our credentials, not the caller's: a deployment problem, reported without detail.
    return new AppError('upstream_error', 'The Assistants service rejected this backend’s credentials.', 502, { upstreamStatus: status });
  }
  const detail = message ? `: ${message}` : '.';
  return new AppError('upstream_error', `The Assistants service rejected the request${detail}`, 502, { upstreamStatus: status });
}

/** The service's own error text (not the SDK's "400 ..." prefix), without URLs or secrets, shortened. */
function upstreamMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  const scrubbed = redact(text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]'))
    .replace(CREDENTIAL_ASSIGNMENT, '$1=[redacted]')
    .replace(OPENAI_STYLE_KEY, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MESSAGE_LIMIT ? `${scrubbed.slice(0, MESSAGE_LIMIT)}…` : scrubbed;
}

/** Whole seconds to wait (at least 1), from the upstream's retry headers; undefined when absent. */
export function retryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = retryAfterMs(headers, now);
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}
