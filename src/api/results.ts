// What handlers return. The machinery turns each kind into an HttpResponseInit and adds the
// request id and CORS headers, so handlers never build raw responses.
import type { HttpRequest } from '@azure/functions';
import { sseStream, type SseEvent, type SseOptions } from './sse';
import { API_PREFIX } from './prefix';

export type BinaryBody = ReadableStream<Uint8Array> | Uint8Array | AsyncIterable<Uint8Array>;

/** A JSON body (the default kind, so `{ status, body, headers }` is enough). No body when `body` is undefined. */
export interface JsonResult {
  kind?: 'json';
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BinaryResult {
  kind: 'binary';
  status?: number;
  body: BinaryBody;
  contentType: string;
  headers?: Record<string, string>;
}

export interface SseResult {
  kind: 'sse';
  stream: ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

export type ApiResult = JsonResult | BinaryResult | SseResult;

export function json(status: number, body: unknown, headers?: Record<string, string>): JsonResult {
  return { kind: 'json', status, body, headers };
}

export function noContent(headers?: Record<string, string>): JsonResult {
  return { kind: 'json', status: 204, headers };
}

export function binary(body: BinaryBody, contentType: string, options: { status?: number; filename?: string; headers?: Record<string, string> } = {}): BinaryResult {
  const headers = { ...options.headers };
  if (options.filename) headers['Content-Disposition'] = contentDisposition(options.filename);
  return { kind: 'binary', status: options.status ?? 200, body, contentType, headers };
}

/** A Server-Sent Events response; `source` gets an AbortSignal that fires when the client goes away. */
export function sse(source: (signal: AbortSignal) => AsyncIterable<SseEvent>, options: SseOptions & { headers?: Record<string, string> } = {}): SseResult {
  return { kind: 'sse', stream: sseStream(source, options), headers: options.headers };
}

/** Absolute URL of one of this API's paths (e.g. for Location headers and download links), on the host the caller used. */
export function apiUrl(request: HttpRequest, path: string, routePrefix = API_PREFIX): string {
  const prefix = routePrefix ? `/${routePrefix}` : '';
  return new URL(`${prefix}${path}`, request.url).toString();
}

/** RFC 6266 attachment header that survives non-ASCII names. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
