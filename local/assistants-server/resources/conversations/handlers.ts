// /conversations: create (with items), get, update metadata, delete; items: create (batches of up to 20),
// list (cursor pagination, order), get, delete.
import type { Route } from '../../http/context';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { addItems, createConversation, findConversation, findConversationItem } from './records';
import { createConversationSchema, createItemsSchema, updateConversationSchema } from './validation';

export const conversationRoutes: Route[] = [
  {
    method: 'POST',
    path: '/conversations',
    handler: async (ctx) => {
      const body = parseOrThrow(createConversationSchema, await ctx.json());
      return { json: createConversation(ctx.services, { items: body.items ?? [], metadata: body.metadata }) };
    },
  },
  { method: 'GET', path: '/conversations/{conversation_id}', handler: (ctx) => ({ json: findConversation(ctx.services, ctx.params.conversation_id!) }) },
  {
    method: 'POST',
    path: '/conversations/{conversation_id}',
    handler: async (ctx) => {
      const conversation = findConversation(ctx.services, ctx.params.conversation_id!);
      const body = parseOrThrow(updateConversationSchema, await ctx.json());
      conversation.metadata = body.metadata ?? {};
      ctx.services.store.changed();
      return { json: conversation };
    },
  },
  {
    method: 'DELETE',
    path: '/conversations/{conversation_id}',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const conversation = findConversation(ctx.services, ctx.params.conversation_id!);
      state.conversations.delete(conversation.id);
      state.conversationItems.delete(conversation.id);
      ctx.services.store.changed();
      return { json: { id: conversation.id, object: 'conversation.deleted', deleted: true } };
    },
  },
  {
    method: 'POST',
    path: '/conversations/{conversation_id}/items',
    handler: async (ctx) => {
      const conversation = findConversation(ctx.services, ctx.params.conversation_id!);
      const body = parseOrThrow(createItemsSchema, await ctx.json());
      const data = addItems(ctx.services, conversation.id, body.items);
      return { json: { object: 'list', data, first_id: data[0]!.id, last_id: data.at(-1)!.id, has_more: false } };
    },
  },
  {
    method: 'GET',
    path: '/conversations/{conversation_id}/items',
    handler: (ctx) => {
      const conversation = findConversation(ctx.services, ctx.params.conversation_id!);
      const query = new URLSearchParams([...ctx.query].filter(([k]) => k !== 'include' && k !== 'include[]'));
      const items = [...ctx.services.store.state.itemsOf(conversation.id).values()] as { id: string }[];
      return { json: paginate(items, query) };
    },
  },
  {
    method: 'GET',
    path: '/conversations/{conversation_id}/items/{item_id}',
    handler: (ctx) => ({ json: findConversationItem(ctx.services, ctx.params.conversation_id!, ctx.params.item_id!) }),
  },
  {
    method: 'DELETE',
    path: '/conversations/{conversation_id}/items/{item_id}',
    handler: (ctx) => {
      const item = findConversationItem(ctx.services, ctx.params.conversation_id!, ctx.params.item_id!);
      ctx.services.store.state.itemsOf(ctx.params.conversation_id!).delete(item.id!);
      ctx.services.store.changed();
      return { json: findConversation(ctx.services, ctx.params.conversation_id!) };
    },
  },
];
