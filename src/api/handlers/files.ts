// Files: uploads go upstream and are recorded in the ledger with their owner; reads and downloads
// check that owner first (another user's file answers exactly like a missing one), then stream the
// content from upstream under the type our extension list decides.
import type { HttpRequest } from '@azure/functions';
import { toFile } from 'openai';
import { notFound } from '../../errors';
import type { FileRecord } from '../../store/ledger';
import { classifyUpstreamError } from '../../upstream';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { apiUrl, binary, json } from '../results';
import { contentTypeForFilename, type FileResource } from '../schemas/files';
import { now, type GetDeps } from './deps';

const DOWNLOAD_HEADERS = {
  // Never let a browser guess a type (an uploaded .txt holding HTML stays text).
  'X-Content-Type-Options': 'nosniff',
  // Contents never change, but belong to one user: no shared caches.
  'Cache-Control': 'private, max-age=3600',
};

export function fileRoutes(getDeps: GetDeps) {
  return [
    bindRoute(routeSpecs.uploadFile, async ({ body, user, request, logger }) => {
      const deps = await getDeps();
      const { file } = body;
      // The route's schema accepted only extensions with a known type.
      const contentType = contentTypeForFilename(file.name) ?? 'application/octet-stream';
      const upstream = await deps.upstream.files
        .create({ file: await toFile(file, file.name, { type: contentType }), purpose: 'assistants' })
        .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'File' })));
      let record: FileRecord;
      try {
        record = await deps.ledger.recordFile({
          fileId: upstream.id,
          ownerId: user.userId,
          purpose: 'assistants',
          filename: file.name,
          bytes: file.size,
          contentType,
          createdAt: now(),
          source: 'upload',
        });
      } catch (error) {
        // Unrecorded, nobody could use or clean up the upload: take it back (best effort) before failing.
        await deps.upstream.files.delete(upstream.id).catch((cleanup: unknown) => logger.warn('could not delete an unrecorded upload', { fileId: upstream.id, error: cleanup }));
        throw error;
      }
      logger.info('file uploaded', { fileId: record.fileId, bytes: record.bytes });
      return json(201, fileView(record, request));
    }),

    bindRoute(routeSpecs.getFile, async ({ params, user, request }) => {
      const deps = await getDeps();
      const file = await deps.ledger.getOwnedFile(params.fileId, user.userId);
      if (!file) throw notFound('File');
      return json(200, fileView(file, request));
    }),

    bindRoute(routeSpecs.getFileContent, async ({ params, user }) => {
      const deps = await getDeps();
      const file = await deps.ledger.getOwnedFile(params.fileId, user.userId);
      if (!file) throw notFound('File');
      const response = await deps.upstream.files
        .content(file.fileId)
        .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'File' })));
      return binary(response.body ?? new Uint8Array(), servedContentType(file), { filename: file.filename, headers: DOWNLOAD_HEADERS });
    }),
  ];
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
