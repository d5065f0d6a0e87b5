// /threads/{thread_id}/messages: create (not while a run is active), list (with run_id filter), get, modify, delete.
import type { Route } from '../../http/context';
import { invalidRequest } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { activeRun, findMessage, findThread } from '../lookup';
import { createMessage } from './records';
import { createMessageSchema, listMessagesQuery, modifyMessageSchema } from './validation';

export const messageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/threads/{thread_id}/messages',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const thread = findThread(state, ctx.params.thread_id!);
      const body = parseOrThrow(createMessageSchema, await ctx.json());
      const active = activeRun(state, thread.id);
      if (active) throw invalidRequest(`Can't add messages to ${thread.id} while a run ${active.run.id} is active.`);
      return { json: createMessage(ctx.services, thread.id, body) };
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/messages',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const thread = findThread(state, ctx.params.thread_id!);
      const { run_id } = parseOrThrow(listMessagesQuery, Object.fromEntries(ctx.query));
      const messages = [...state.threadMessages(thread.id).values()].filter((m) => run_id === undefined || m.run_id === run_id);
      return { json: paginate(messages, ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/messages/{message_id}',
    handler: (ctx) => ({ json: findMessage(ctx.services.store.state, ctx.params.thread_id!, ctx.params.message_id!) }),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/messages/{message_id}',
    handler: async (ctx) => {
      const message = findMessage(ctx.services.store.state, ctx.params.thread_id!, ctx.params.message_id!);
      const body = parseOrThrow(modifyMessageSchema, await ctx.json());
      if (body.metadata !== undefined) message.metadata = body.metadata ?? {};
      ctx.services.store.changed();
      return { json: message };
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}/messages/{message_id}',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const message = findMessage(state, ctx.params.thread_id!, ctx.params.message_id!);
      state.threadMessages(message.thread_id).delete(message.id);
      ctx.services.store.changed();
      return { json: { id: message.id, object: 'thread.message.deleted', deleted: true } };
    },
  },
];
