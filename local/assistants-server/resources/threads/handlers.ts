// /threads: create (with messages), get, modify, delete.
import type { Route } from '../../http/context';
import { parseOrThrow } from '../../http/validate';
import { findThread } from '../lookup';
import { resolveToolResources } from '../tool-resources';
import { createThread } from './records';
import { createThreadSchema, modifyThreadSchema } from './validation';

export const threadRoutes: Route[] = [
  {
    method: 'POST',
    path: '/threads',
    handler: async (ctx) => ({ json: createThread(ctx.services, parseOrThrow(createThreadSchema, await ctx.json())) }),
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}',
    handler: (ctx) => ({ json: findThread(ctx.services.store.state, ctx.params.thread_id!) }),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}',
    handler: async (ctx) => {
      const thread = findThread(ctx.services.store.state, ctx.params.thread_id!);
      const body = parseOrThrow(modifyThreadSchema, await ctx.json());
      if (body.metadata !== undefined) thread.metadata = body.metadata ?? {};
      if (body.tool_resources !== undefined) thread.tool_resources = resolveToolResources(ctx.services, body.tool_resources ?? undefined);
      ctx.services.store.changed();
      return { json: thread };
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}',
    handler: (ctx) => {
      const thread = findThread(ctx.services.store.state, ctx.params.thread_id!);
      ctx.services.store.state.deleteThread(thread.id);
      ctx.services.store.changed();
      return { json: { id: thread.id, object: 'thread.deleted', deleted: true } };
    },
  },
];
