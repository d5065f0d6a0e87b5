// /files: multipart upload with purpose, list (purpose filter), get, content, delete.
import type { Route } from '../../http/context';
import { invalidRequest } from '../../http/errors';
import { FILES_LIMITS, paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { findFile } from '../lookup';
import { addFile } from './file-records';
import { UPLOAD_PURPOSES, listFilesQuery, uploadFieldsSchema } from './validation';

export const fileRoutes: Route[] = [
  {
    method: 'POST',
    path: '/files',
    handler: async (ctx) => {
      const form = await ctx.form();
      const file = form.get('file');
      const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
      if (fields.purpose === undefined) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
      const parsed = parseOrThrow(uploadFieldsSchema, fields);
      if (!file || typeof file === 'string') throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
      if (file.size > ctx.services.maxFileBytes) {
        throw invalidRequest(`File is too large: ${file.size} bytes. The maximum size is ${ctx.services.maxFileBytes} bytes.`, 'file', 'file_too_large');
      }
      const record = await addFile(ctx.services.store, ctx.services.clock, {
        filename: file.name || 'upload',
        purpose: parsed.purpose,
        content: Buffer.from(await file.arrayBuffer()),
        expiresAfterSeconds: parsed['expires_after[seconds]'],
      });
      return { json: record };
    },
  },
  {
    method: 'GET',
    path: '/files',
    handler: (ctx) => {
      const { purpose } = parseOrThrow(listFilesQuery, Object.fromEntries(ctx.query));
      if (purpose !== undefined && ![...UPLOAD_PURPOSES, 'assistants_output', 'batch_output', 'fine-tune-results'].includes(purpose)) {
        throw invalidRequest(`Invalid value: '${purpose}'. Supported values are: ${[...UPLOAD_PURPOSES, 'assistants_output'].map((p) => `'${p}'`).join(', ')}.`, 'purpose', 'invalid_value');
      }
      const files = [...ctx.services.store.state.files.values()].map((f) => f.file).filter((f) => purpose === undefined || f.purpose === purpose);
      return { json: paginate(files, ctx.query, FILES_LIMITS) };
    },
  },
  {
    method: 'GET',
    path: '/files/{file_id}',
    handler: (ctx) => ({ json: findFile(ctx.services.store.state, ctx.params.file_id!).file }),
  },
  {
    method: 'GET',
    path: '/files/{file_id}/content',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const stored = findFile(state, ctx.params.file_id!);
      const content = state.fileContents.get(stored.file.id) ?? Buffer.alloc(0);
      return {
        binary: content,
        contentType: stored.contentType,
        headers: { 'content-disposition': `attachment; filename="${stored.file.filename.replace(/"/g, '')}"` },
      };
    },
  },
  {
    method: 'DELETE',
    path: '/files/{file_id}',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const stored = findFile(state, ctx.params.file_id!);
      state.files.delete(stored.file.id);
      await ctx.services.store.dropContent(stored.file.id);
      ctx.services.store.changed();
      return { json: { id: stored.file.id, object: 'file', deleted: true } };
    },
  },
];
