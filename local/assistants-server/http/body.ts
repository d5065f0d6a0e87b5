// Reading request bodies: JSON objects, or multipart/form-data parsed by the platform's own Request.formData().
import type { IncomingMessage } from 'node:http';
import { ApiError, invalidRequest } from './errors';

const JSON_LIMIT_BYTES = 64 * 1024 * 1024;
/** Multipart framing and the other fields around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

export async function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `Request body too large. The maximum is ${limit} bytes.`, 'invalid_request_error', null, 'request_too_large');
}

const NOT_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const bytes = await readBytes(req, JSON_LIMIT_BYTES);
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalidRequest(NOT_JSON);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(NOT_JSON);
  return value as Record<string, unknown>;
}

export async function readForm(req: IncomingMessage, maxFileBytes: number): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) throw invalidRequest("Invalid Content-Type header: expected 'multipart/form-data'.", null, 'invalid_content_type');
  const bytes = await readBytes(req, maxFileBytes + MULTIPART_OVERHEAD_BYTES);
  try {
    return await new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body: bytes }).formData();
  } catch {
    throw invalidRequest('Could not parse the multipart/form-data body.');
  }
}
