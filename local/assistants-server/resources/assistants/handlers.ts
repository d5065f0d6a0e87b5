// /assistants: create, list, get, modify, delete.
import type { Route } from '../../http/context';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { newId } from '../../store/ids';
import type { Assistant } from '../../store/wire-types';
import { findAssistant } from '../lookup';
import { resolveToolResources } from '../tool-resources';
import { createAssistantSchema, modifyAssistantSchema } from './validation';

export const assistantRoutes: Route[] = [
  {
    method: 'POST',
    path: '/assistants',
    handler: async (ctx) => {
      const body = parseOrThrow(createAssistantSchema, await ctx.json());
      const assistant: Assistant = {
        id: newId.assistant(),
        object: 'assistant',
        created_at: ctx.services.clock.nowSeconds(),
        name: body.name ?? null,
        description: body.description ?? null,
        model: body.model,
        instructions: body.instructions ?? null,
        tools: body.tools ?? [],
        tool_resources: resolveToolResources(ctx.services, body.tool_resources ?? undefined),
        metadata: body.metadata ?? {},
        temperature: body.temperature ?? 1,
        top_p: body.top_p ?? 1,
        response_format: body.response_format ?? 'auto',
      };
      ctx.services.store.state.assistants.set(assistant.id, assistant);
      ctx.services.store.changed();
      return { json: assistant };
    },
  },
  {
    method: 'GET',
    path: '/assistants',
    handler: (ctx) => ({ json: paginate(ctx.services.store.state.assistants.values(), ctx.query) }),
  },
  {
    method: 'GET',
    path: '/assistants/{assistant_id}',
    handler: (ctx) => ({ json: findAssistant(ctx.services.store.state, ctx.params.assistant_id!) }),
  },
  {
    method: 'POST',
    path: '/assistants/{assistant_id}',
    handler: async (ctx) => {
      const assistant = findAssistant(ctx.services.store.state, ctx.params.assistant_id!);
      const body = parseOrThrow(modifyAssistantSchema, await ctx.json());
      if (body.model !== undefined) assistant.model = body.model;
      if (body.name !== undefined) assistant.name = body.name;
      if (body.description !== undefined) assistant.description = body.description;
      if (body.instructions !== undefined) assistant.instructions = body.instructions;
      if (body.tools !== undefined) assistant.tools = body.tools;
      if (body.tool_resources !== undefined) assistant.tool_resources = resolveToolResources(ctx.services, body.tool_resources ?? undefined);
      if (body.metadata !== undefined) assistant.metadata = body.metadata ?? {};
      if (body.temperature !== undefined) assistant.temperature = body.temperature ?? 1;
      if (body.top_p !== undefined) assistant.top_p = body.top_p ?? 1;
      if (body.response_format !== undefined) assistant.response_format = body.response_format ?? 'auto';
      ctx.services.store.changed();
      return { json: assistant };
    },
  },
  {
    method: 'DELETE',
    path: '/assistants/{assistant_id}',
    handler: (ctx) => {
      const assistant = findAssistant(ctx.services.store.state, ctx.params.assistant_id!);
      ctx.services.store.state.assistants.delete(assistant.id);
      ctx.services.store.changed();
      return { json: { id: assistant.id, object: 'assistant.deleted', deleted: true } };
    },
  },
];
