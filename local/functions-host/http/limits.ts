// Limits the platform puts on HTTP functions, which the app must fit in:
// - request bodies over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT bytes (default 100 MB, the host's Kestrel limit) are
//   refused with 413 before the function runs (or, for a body without a length, as soon as it grows past it);
// - a response must start within 230 s, the idle timeout of Azure's front-end load balancer, which then
//   answers 502 while the function keeps running; a streamed response that goes quiet for as long is cut.
//   LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS (local only) shortens this for tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, sendError, type ErrorBody } from '../../shared/http';
import type { SettingsSource } from '../settings';

/**
 * Kestrel's limit on the request line and headers (32 KB in all). The app's process gets the same limit
 * (`--max-http-header-size`): in streaming mode the library's own HTTP server, which the host forwards to,
 * would otherwise refuse 16-32 KB of headers with Node's default empty 431.
 */
export const MAX_REQUEST_HEADER_BYTES = 32 * 1024;
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 230_000;

export interface HttpLimits {
  maxRequestBodyBytes: number;
  responseTimeoutMs: number;
}

export function httpLimitsFromSettings(settings: SettingsSource): HttpLimits {
  return {
    maxRequestBodyBytes: positive(settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', true) ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    responseTimeoutMs: (positive(settings.LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS, 'LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS', false) ?? DEFAULT_RESPONSE_TIMEOUT_MS / 1000) * 1000,
  };
}

function positive(text: string | undefined, name: string, integer: boolean): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) throw new Error(`${name} must be a positive ${integer ? 'whole number' : 'number'}, got "${text}"`);
  return value;
}

/** The request's declared content-length, or undefined (chunked or absent). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

export const bodyTooLarge = (limit: number): ErrorBody => errorBody('request_body_too_large', `The request body exceeds the host's limit of ${limit} bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).`);

export const responseTimedOut = (ms: number): ErrorBody =>
  errorBody('response_timeout', `The function did not start its response within ${ms / 1000} s (Azure's front end gives up after 230 s and answers 502).`);

/** 413 for a body the host will not read; the connection closes, since the rest of the body is never read. */
export function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const { error } = bodyTooLarge(limit);
  sendError(res, 413, error.code, error.message, { connection: 'close' });
  req.resume();
}

/**
 * Cuts the response the way the front end does: no status line within `ms` → `onCut()` (which answers 502);
 * a started response that sends nothing for `ms` → the connection is dropped. Stops once the response ends.
 */
export function guardResponseTime(res: ServerResponse, ms: number, onCut: () => void): void {
  let lastBytes = -1;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (res.writableEnded || res.destroyed) return;
    if (!res.headersSent) return onCut();
    const bytes = res.socket?.bytesWritten ?? 0;
    if (bytes === lastBytes) return void res.destroy();
    lastBytes = bytes;
    arm();
  };
  const arm = () => {
    timer = setTimeout(check, ms);
    timer.unref();
  };
  arm();
  res.once('close', () => clearTimeout(timer));
  res.once('finish', () => clearTimeout(timer));
}
