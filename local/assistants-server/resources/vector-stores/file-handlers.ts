// /vector_stores/{id}/files and /file_batches: state only (files complete shortly after they are added).
import type { Route } from '../../http/context';
import { notFound } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { newId } from '../../store/ids';
import { findFile, findVectorStore, findVectorStoreFile } from '../lookup';
import { POLL_HEADERS } from '../../http/headers';
import { attachFile, refresh, refreshBatch } from './records';
import { createBatchSchema, createVectorStoreFileSchema, fileFilterSchema, updateAttributesSchema } from './validation';

export const vectorStoreFileRoutes: Route[] = [
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/files',
    handler: async (ctx) => {
      const store = findVectorStore(ctx.services.store.state, ctx.params.vector_store_id!);
      const body = parseOrThrow(createVectorStoreFileSchema, await ctx.json());
      const file = attachFile(ctx.services, store.id, body.file_id, body.chunking_strategy, body.attributes);
      refresh(ctx.services, store);
      ctx.services.store.changed();
      return { json: file, headers: POLL_HEADERS };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files',
    handler: (ctx) => {
      const store = findVectorStore(ctx.services.store.state, ctx.params.vector_store_id!);
      const { filter } = parseOrThrow(fileFilterSchema, Object.fromEntries(ctx.query));
      const files = [...ctx.services.store.state.storeFiles(store.id).values()].filter((f) => !filter || f.status === filter);
      return { json: paginate(files, ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: (ctx) => ({ json: findVectorStoreFile(ctx.services.store.state, ctx.params.vector_store_id!, ctx.params.file_id!), headers: POLL_HEADERS }),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: async (ctx) => {
      const file = findVectorStoreFile(ctx.services.store.state, ctx.params.vector_store_id!, ctx.params.file_id!);
      file.attributes = parseOrThrow(updateAttributesSchema, await ctx.json()).attributes;
      ctx.services.store.changed();
      return { json: file };
    },
  },
  {
    method: 'DELETE',
    path: '/vector_stores/{vector_store_id}/files/{file_id}',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const file = findVectorStoreFile(state, ctx.params.vector_store_id!, ctx.params.file_id!);
      state.storeFiles(file.vector_store_id).delete(file.id);
      refresh(ctx.services, findVectorStore(state, file.vector_store_id));
      ctx.services.store.changed();
      return { json: { id: file.id, object: 'vector_store.file.deleted', deleted: true } };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/files/{file_id}/content',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const file = findVectorStoreFile(state, ctx.params.vector_store_id!, ctx.params.file_id!);
      const text = state.fileContents.get(file.id)?.toString('utf8') ?? '';
      return { json: { object: 'vector_store.file_content.page', data: [{ type: 'text', text }], has_more: false, next_page: null } };
    },
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/file_batches',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const store = findVectorStore(state, ctx.params.vector_store_id!);
      const body = parseOrThrow(createBatchSchema, await ctx.json());
      const entries = body.files ?? (body.file_ids ?? []).map((file_id) => ({ file_id, chunking_strategy: body.chunking_strategy, attributes: body.attributes }));
      for (const entry of entries) findFile(state, entry.file_id);
      for (const entry of entries) attachFile(ctx.services, store.id, entry.file_id, entry.chunking_strategy ?? body.chunking_strategy, entry.attributes ?? body.attributes);
      const batch = {
        id: newId.fileBatch(),
        object: 'vector_store.files_batch' as const,
        created_at: ctx.services.clock.nowSeconds(),
        vector_store_id: store.id,
        status: 'in_progress' as const,
        file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
      };
      state.fileBatches.set(batch.id, { batch, fileIds: entries.map((e) => e.file_id) });
      refreshBatch(ctx.services, batch.id);
      refresh(ctx.services, store);
      ctx.services.store.changed();
      return { json: batch, headers: POLL_HEADERS };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}',
    handler: (ctx) => ({ json: findBatch(ctx.services.store.state, ctx.params.vector_store_id!, ctx.params.batch_id!).batch, headers: POLL_HEADERS }),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const stored = findBatch(state, ctx.params.vector_store_id!, ctx.params.batch_id!);
      if (stored.batch.status === 'in_progress') {
        const files = state.storeFiles(stored.batch.vector_store_id);
        for (const id of stored.fileIds) {
          const file = files.get(id);
          if (file?.status === 'in_progress') file.status = 'cancelled';
        }
        stored.batch.status = 'cancelled';
        refreshBatch(ctx.services, stored.batch.id);
        refresh(ctx.services, findVectorStore(state, stored.batch.vector_store_id));
        ctx.services.store.changed();
      }
      return { json: stored.batch };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}/file_batches/{batch_id}/files',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const stored = findBatch(state, ctx.params.vector_store_id!, ctx.params.batch_id!);
      const { filter } = parseOrThrow(fileFilterSchema, Object.fromEntries(ctx.query));
      const files = state.storeFiles(stored.batch.vector_store_id);
      const inBatch = [...files.values()].filter((f) => stored.fileIds.includes(f.id) && (!filter || f.status === filter));
      return { json: paginate(inBatch, ctx.query) };
    },
  },
];

function findBatch(state: Parameters<typeof findVectorStore>[0], vectorStoreId: string, batchId: string) {
  findVectorStore(state, vectorStoreId);
  const stored = state.fileBatches.get(batchId);
  if (!stored || stored.batch.vector_store_id !== vectorStoreId) throw notFound('file batch', batchId);
  return stored;
}
