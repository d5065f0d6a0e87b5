// Files: uploads go upstream and are recorded in the ledger with their owner; reads and downloads
// check that owner first (another user's file answers exactly like a missing one), then stream the
// content from upstream under the type our extension list decides.
import type { HttpRequest } from '@azure/functions';
import { notFound } from '../../errors';
import type { Runtime } from '../../runtime';
import type { FileRecord } from '../../store/ledger';
import { classifyUpstreamError } from '../../upstream';
import type { FileLocation } from '../../upstream/port';
import { callerRoute } from '../route';
import { apiUrl, binary, json } from '../results';
import { contentTypeForFilename, FileObject, FileParams, UploadForm, type FileResource } from '../schemas/files';

const DOWNLOAD_HEADERS = {
  // Never let a browser guess a type (an uploaded .txt holding HTML stays text).
  'X-Content-Type-Options': 'nosniff',
  // Contents never change, but belong to one user: no shared caches.
  'Cache-Control': 'private, max-age=3600',
};

export const uploadFile = callerRoute(
  {
    name: 'uploadFile',
    method: 'POST',
    path: '/files',
    summary: 'Upload a file for code interpreter or file search',
    tags: ['files'],
    form: UploadForm,
    responses: { 201: { description: 'The stored file.', schema: FileObject } },
  },
  async ({ body, user, request, logger, runtime }) => {
    const deps = await runtime();
    const { file } = body;
    // The route's schema accepted only extensions with a known type.
    const contentType = contentTypeForFilename(file.name) ?? 'application/octet-stream';
    const upstream = await deps.upstream.files
      .upload({ name: file.name, content: file, contentType })
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'File' })));
    let record: FileRecord;
    try {
      record = await deps.ledger.recordFile({
        fileId: upstream.fileId,
        ownerId: user.userId,
        purpose: 'assistants',
        filename: file.name,
        bytes: file.size,
        contentType,
        createdAt: deps.now(),
        source: 'upload',
      });
    } catch (error) {
      // Unrecorded, nobody could use or clean up the upload: take it back (best effort) before failing.
      await deps.upstream.files.delete(upstream.fileId).catch((cleanup: unknown) => logger.warn('could not delete an unrecorded upload', { fileId: upstream.fileId, error: cleanup }));
      throw error;
    }
    logger.info('file uploaded', { fileId: record.fileId, bytes: record.bytes });
    return json(201, fileView(record, request));
  },
);

export const getFile = callerRoute(
  {
    name: 'getFile',
    method: 'GET',
    path: '/files/{fileId}',
    summary: "Get a file's details",
    tags: ['files'],
    params: FileParams,
    responses: { 200: { description: 'The file.', schema: FileObject } },
  },
  async ({ params, user, request, runtime }) => {
    const deps = await runtime();
    const file = await ownedFile(deps, params.fileId, user.userId);
    return json(200, fileView(file, request));
  },
);

export const getFileContent = callerRoute(
  {
    name: 'getFileContent',
    method: 'GET',
    path: '/files/{fileId}/content',
    summary: "Download a file's content",
    tags: ['files'],
    params: FileParams,
    responses: { 200: { description: 'The content, with its content type.', contentType: 'application/octet-stream' } },
  },
  async ({ params, user, runtime }) => {
    const deps = await runtime();
    const file = await ownedFile(deps, params.fileId, user.userId);
    const response = await deps.upstream.files
      .content(file.fileId, fileLocation(file))
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'File' })));
    return binary(response.body ?? new Uint8Array(), servedContentType(file), { filename: file.filename, headers: DOWNLOAD_HEADERS });
  },
);

/** The caller's file; another user's answers exactly like a missing one. */
async function ownedFile(deps: Runtime, fileId: string, userId: string): Promise<FileRecord> {
  const file = await deps.ledger.getOwnedFile(fileId, userId);
  if (!file) throw notFound('File');
  return file;
}

/** Where the adapter finds a file: a Responses container file lives in its container. */
function fileLocation(file: FileRecord): FileLocation | undefined {
  return file.containerId ? { containerId: file.containerId } : undefined;
}

/** The extension decides when we know it; otherwise what was recorded (e.g. image/png for a generated image named without one). */
function servedContentType(file: FileRecord): string {
  return contentTypeForFilename(file.filename) ?? file.contentType;
}

function fileView(file: FileRecord, request: HttpRequest): FileResource {
  return {
    id: file.fileId,
    object: 'file',
    filename: file.filename,
    bytes: file.bytes,
    purpose: file.purpose,
    content_type: servedContentType(file),
    created_at: Math.floor(file.createdAt / 1000),
    download_url: apiUrl(request, `/files/${encodeURIComponent(file.fileId)}/content`),
  };
}
