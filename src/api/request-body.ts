// Reading request bodies safely: the size limit is enforced while reading (413), before any
// parsing, so an oversized or endless body never reaches memory in full.
import type { HttpRequest } from '@azure/functions';
import { AppError } from '../errors';
import { requestBodyError } from './http-errors';

export const DEFAULT_JSON_BODY_LIMIT = 64 * 1024;

export const payloadTooLarge = (limit: number) => new AppError('payload_too_large', `The request body exceeds the limit of ${limit} bytes.`, 413, { limitBytes: limit });
export const unsupportedMediaType = (expected: string) => new AppError('unsupported_media_type', `Send the body with Content-Type: ${expected}.`, 415);

/** The media type without parameters, lower-case ('' when absent). */
export function mediaType(request: HttpRequest): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** The whole body, or a 413 as soon as it (or its declared Content-Length) passes `limit` bytes. */
export async function readBodyLimited(request: HttpRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value as Uint8Array;
    total += chunk.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * A JSON body: undefined when empty (so optional bodies may be omitted), 415 when it is not
 * labelled JSON, 413 when too large, 400 invalid_json when it does not parse.
 */
export async function readJsonBody(request: HttpRequest, limit: number): Promise<unknown> {
  const type = mediaType(request);
  if (type && !isJsonMediaType(type)) throw unsupportedMediaType('application/json');
  const bytes = await readBodyLimited(request, limit);
  if (bytes.byteLength === 0) return undefined;
  if (!type) throw unsupportedMediaType('application/json');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw requestBodyError('invalid_json', 'The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only the position: V8's message may quote the body back.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw requestBodyError('invalid_json', `The request body is not valid JSON${position ? ` (error at position ${position})` : ''}.`);
  }
}
