// /vector_stores: create, list, get, modify, delete.
import type { Route } from '../../http/context';
import { POLL_HEADERS } from '../../http/headers';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { findVectorStore } from '../lookup';
import { createVectorStore, refresh, setExpiry } from './records';
import { createVectorStoreSchema, modifyVectorStoreSchema } from './validation';

export const vectorStoreRoutes: Route[] = [
  {
    method: 'POST',
    path: '/vector_stores',
    handler: async (ctx) => {
      const body = parseOrThrow(createVectorStoreSchema, await ctx.json());
      return { json: createVectorStore(ctx.services, body), headers: POLL_HEADERS };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores',
    handler: (ctx) => {
      const stores = [...ctx.services.store.state.vectorStores.values()].map((s) => refresh(ctx.services, s));
      return { json: paginate(stores, ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/vector_stores/{vector_store_id}',
    handler: (ctx) => ({ json: refresh(ctx.services, findVectorStore(ctx.services.store.state, ctx.params.vector_store_id!)), headers: POLL_HEADERS }),
  },
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}',
    handler: async (ctx) => {
      const store = findVectorStore(ctx.services.store.state, ctx.params.vector_store_id!);
      const body = parseOrThrow(modifyVectorStoreSchema, await ctx.json());
      if (body.name !== undefined) store.name = body.name ?? '';
      if (body.metadata !== undefined) store.metadata = body.metadata ?? {};
      if (body.expires_after !== undefined) {
        if (body.expires_after) store.expires_after = body.expires_after;
        else delete store.expires_after;
      }
      store.last_active_at = ctx.services.clock.nowSeconds();
      setExpiry(store);
      ctx.services.store.changed();
      return { json: refresh(ctx.services, store) };
    },
  },
  {
    method: 'DELETE',
    path: '/vector_stores/{vector_store_id}',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const store = findVectorStore(state, ctx.params.vector_store_id!);
      state.vectorStores.delete(store.id);
      state.vectorStoreFiles.delete(store.id);
      for (const [id, { batch }] of state.fileBatches) if (batch.vector_store_id === store.id) state.fileBatches.delete(id);
      ctx.services.store.changed();
      return { json: { id: store.id, object: 'vector_store.deleted', deleted: true } };
    },
  },
];
