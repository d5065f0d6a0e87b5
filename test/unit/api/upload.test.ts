// POST /files: multipart parsing, size limits and accepted types, all before the handler runs.
import { describe, expect, it } from 'vitest';
import { routeSpecs } from '../../../src/api/routes';
import { contentTypeForFilename } from '../../../src/api/schemas/files';
import { devConfig, errorOf, invoke, spyRoute, type Call } from './support';

const config = devConfig({ MAX_UPLOAD_BYTES: '1024' });
const user = { 'x-user-id': 'alice' };

/** A browser-shaped multipart body (boundary and all) built by the platform's own FormData. */
async function multipart(fields: Record<string, string | File>): Promise<Call> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = new Response(form);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { path: '/files', body: bytes, headers: { ...user, 'content-type': response.headers.get('content-type')! } };
}

const csv = (size = 12, name = 'portfolio.csv') => new File(['x'.repeat(size)], name, { type: 'text/csv' });

describe('POST /files', () => {
  it('hands the handler the parsed file and purpose', async () => {
    const { route, handler } = spyRoute(routeSpecs.uploadFile);
    const result = await invoke(route, await multipart({ file: new File(['Symbol,QTY\nMSFT,3\n'], 'portfolio.csv', { type: 'application/vnd.ms-excel' }), purpose: 'assistants' }), config);
    expect(result.status).toBe(200);
    const { body } = handler.mock.calls[0]![0] as unknown as { body: { file: File; purpose: string } };
    expect(body.purpose).toBe('assistants');
    expect(body.file.name).toBe('portfolio.csv');
    expect(await body.file.text()).toBe('Symbol,QTY\nMSFT,3\n');
  });

  it('accepts a file of exactly MAX_UPLOAD_BYTES', async () => {
    const { route, handler } = spyRoute(routeSpecs.uploadFile);
    const result = await invoke(route, await multipart({ file: csv(1024), purpose: 'assistants' }), config);
    expect(result.status).toBe(200);
    expect(handler).toHaveBeenCalled();
  });

  it.each([
    ['a file over MAX_UPLOAD_BYTES', async () => multipart({ file: csv(1025), purpose: 'assistants' }), 413, 'payload_too_large', '1024'],
    ['a body far over the limit', async () => multipart({ file: csv(200_000), purpose: 'assistants' }), 413, 'payload_too_large', 'bytes'],
    ['a missing file', async () => multipart({ purpose: 'assistants' }), 400, 'validation_failed', 'body.file'],
    ['a text field instead of a file', async () => multipart({ file: 'not a file', purpose: 'assistants' }), 400, 'validation_failed', 'body.file'],
    ['an empty file', async () => multipart({ file: csv(0), purpose: 'assistants' }), 400, 'validation_failed', 'body.file: must not be empty'],
    ['an executable', async () => multipart({ file: csv(10, 'setup.exe'), purpose: 'assistants' }), 400, 'validation_failed', 'type not accepted'],
    ['no extension', async () => multipart({ file: csv(10, 'Makefile'), purpose: 'assistants' }), 400, 'validation_failed', 'body.file'],
    ['a wrong purpose', async () => multipart({ file: csv(), purpose: 'fine-tune' }), 400, 'validation_failed', 'body.purpose'],
    ['a missing purpose', async () => multipart({ file: csv() }), 400, 'validation_failed', 'body.purpose'],
    ['a JSON body', async (): Promise<Call> => ({ path: '/files', json: { file: 'x' }, headers: user }), 415, 'unsupported_media_type', 'multipart/form-data'],
    ['no content type', async (): Promise<Call> => ({ path: '/files', body: 'x', headers: user }), 415, 'unsupported_media_type', 'multipart/form-data'],
    [
      'a body that is not multipart',
      async (): Promise<Call> => ({ path: '/files', body: 'garbage', headers: { ...user, 'content-type': 'multipart/form-data; boundary=XYZ' } }),
      400,
      'invalid_multipart',
      'multipart',
    ],
  ] as const)('rejects %s', async (_, build, status, code, mention) => {
    const { route, handler } = spyRoute(routeSpecs.uploadFile);
    const result = await invoke(route, await build(), config);
    expect(result.status).toBe(status);
    expect(errorOf(result).code).toBe(code);
    expect(errorOf(result).message).toContain(mention);
    expect(handler).not.toHaveBeenCalled();
  });

  it('derives the served content type from the extension, whatever the browser claimed', () => {
    expect(contentTypeForFilename('Report.PDF')).toBe('application/pdf');
    expect(contentTypeForFilename('analysis.py')).toBe('text/x-python');
    expect(contentTypeForFilename('data.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(contentTypeForFilename('archive.tar.gz')).toBeUndefined();
    expect(contentTypeForFilename('noext')).toBeUndefined();
  });
});
