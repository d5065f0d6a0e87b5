// /containers: create, list, get, delete; /containers/{id}/files: add (upload or file_id), list, get,
// delete, content.
import { z } from 'zod';
import type { Route } from '../../http/context';
import { invalidRequest } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { INT, parseOrThrow } from '../../http/validate';
import { findFile } from '../lookup';
import { addContainerFile, createContainer, filenameOf, findContainer, findContainerFile, refreshContainer, touchContainer } from './records';

const createContainerSchema = z.strictObject({
  name: z.string().min(1),
  file_ids: z.array(z.string()).optional(),
  expires_after: z.strictObject({ anchor: z.literal('last_active_at'), minutes: z.number().int().min(1, INT).max(20, INT) }).optional(),
  memory_limit: z.enum(['1g', '4g', '16g', '64g']).optional(),
});

export const containerRoutes: Route[] = [
  {
    method: 'POST',
    path: '/containers',
    handler: async (ctx) => {
      const body = parseOrThrow(createContainerSchema, await ctx.json());
      return { json: createContainer(ctx.services, { name: body.name, fileIds: body.file_ids, minutes: body.expires_after?.minutes, memoryLimit: body.memory_limit }) };
    },
  },
  {
    method: 'GET',
    path: '/containers',
    handler: (ctx) => ({ json: paginate([...ctx.services.store.state.containers.values()].map((c) => refreshContainer(ctx.services, c)), ctx.query) }),
  },
  { method: 'GET', path: '/containers/{container_id}', handler: (ctx) => ({ json: findContainer(ctx.services, ctx.params.container_id!) }) },
  {
    method: 'DELETE',
    path: '/containers/{container_id}',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const container = findContainer(ctx.services, ctx.params.container_id!);
      for (const id of state.filesOfContainer(container.id).keys()) await ctx.services.store.dropContent(id);
      state.containers.delete(container.id);
      state.containerFiles.delete(container.id);
      ctx.services.store.changed();
      return { json: { id: container.id, object: 'container.deleted', deleted: true } };
    },
  },
  {
    method: 'POST',
    path: '/containers/{container_id}/files',
    handler: async (ctx) => {
      const container = touchContainer(ctx.services, ctx.params.container_id!);
      const type = String(ctx.headers['content-type'] ?? '');
      if (type.startsWith('multipart/form-data')) {
        const file = (await ctx.form()).get('file');
        if (!file || typeof file === 'string') throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
        return { json: addContainerFile(ctx.services, container.id, { filename: file.name || 'upload', content: Buffer.from(await file.arrayBuffer()), source: 'user' }) };
      }
      const body = parseOrThrow(z.strictObject({ file_id: z.string() }), await ctx.json());
      const stored = findFile(ctx.services.store.state, body.file_id);
      const content = ctx.services.store.state.fileContents.get(stored.file.id) ?? Buffer.alloc(0);
      return { json: addContainerFile(ctx.services, container.id, { filename: stored.file.filename, content, source: 'user' }) };
    },
  },
  {
    method: 'GET',
    path: '/containers/{container_id}/files',
    handler: (ctx) => {
      const container = findContainer(ctx.services, ctx.params.container_id!);
      return { json: paginate([...ctx.services.store.state.filesOfContainer(container.id).values()].map((f) => f.file), ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/containers/{container_id}/files/{file_id}',
    handler: (ctx) => ({ json: findContainerFile(ctx.services, ctx.params.container_id!, ctx.params.file_id!).file }),
  },
  {
    method: 'DELETE',
    path: '/containers/{container_id}/files/{file_id}',
    handler: async (ctx) => {
      const stored = findContainerFile(ctx.services, ctx.params.container_id!, ctx.params.file_id!);
      ctx.services.store.state.filesOfContainer(stored.file.container_id).delete(stored.file.id);
      await ctx.services.store.dropContent(stored.file.id);
      ctx.services.store.changed();
      return { json: { id: stored.file.id, object: 'container.file.deleted', deleted: true } };
    },
  },
  {
    method: 'GET',
    path: '/containers/{container_id}/files/{file_id}/content',
    handler: (ctx) => {
      const stored = findContainerFile(ctx.services, ctx.params.container_id!, ctx.params.file_id!);
      return {
        binary: ctx.services.store.state.fileContents.get(stored.file.id) ?? Buffer.alloc(0),
        contentType: stored.contentType,
        headers: { 'content-disposition': `attachment; filename="${filenameOf(stored.file).replace(/"/g, '')}"` },
      };
    },
  },
];
