// multipart/form-data bodies (POST /files). The body is read under the size limit first, then
// parsed by the platform's Fetch `formData()` (the parser behind HttpRequest.formData()), so a
// chunked upload without Content-Length cannot grow past the limit before parsing.
import type { HttpRequest } from '@azure/functions';
import { AppError } from '../errors';
import { requestBodyError } from './http-errors';
import { mediaType, readBodyLimited, unsupportedMediaType } from './request-body';

/** Room for boundaries and part headers on top of the largest file. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface MultipartLimits {
  /** Whole body, framing included. */
  maxBodyBytes: number;
  /** Each file part. */
  maxFileBytes: number;
}

/** Form fields as an object (the first value of each name), ready for zod validation. */
export async function readMultipartForm(request: HttpRequest, limits: MultipartLimits): Promise<Record<string, string | File>> {
  if (mediaType(request) !== 'multipart/form-data') throw unsupportedMediaType('multipart/form-data');
  const bytes = await readBodyLimited(request, limits.maxBodyBytes);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw requestBodyError('invalid_multipart', 'The request body is not valid multipart/form-data.');
  }
  const fields: Record<string, string | File> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string' && value.size > limits.maxFileBytes) {
      throw new AppError('payload_too_large', `The file exceeds the upload limit of ${limits.maxFileBytes} bytes.`, 413, { limitBytes: limits.maxFileBytes });
    }
    if (!(name in fields)) fields[name] = value;
  }
  return fields;
}
