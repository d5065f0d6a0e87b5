// /responses: create (waiting for the result, in the background, or streamed), get (or resume a
// background stream with ?stream=true&starting_after=N), delete, cancel, input_items.
import { z } from 'zod';
import type { Route } from '../../http/context';
import { invalidRequest } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { findResponse, prepareResponse } from './records';
import { createResponseSchema } from './validation';

const retrieveQuery = z.object({
  stream: z.enum(['true', 'false']).optional(),
  starting_after: z.coerce.number().int().min(0).optional(),
});

export const responseRoutes: Route[] = [
  {
    method: 'POST',
    path: '/responses',
    handler: async (ctx) => {
      const body = parseOrThrow(createResponseSchema, await ctx.json());
      const { stored, keep } = prepareResponse(ctx.services, body);
      const engine = ctx.services.responses;
      ctx.touchRun(stored.response.id);
      engine.start(stored, keep);
      if (body.stream) return { events: engine.stream(stored, null) };
      if (!stored.response.background) await engine.settled(stored);
      return { json: stored.response };
    },
  },
  {
    method: 'GET',
    path: '/responses/{response_id}',
    handler: (ctx) => {
      const stored = findResponse(ctx.services, ctx.params.response_id!);
      const query = parseOrThrow(retrieveQuery, Object.fromEntries([...ctx.query].filter(([k]) => k === 'stream' || k === 'starting_after')));
      if (query.stream !== 'true') return { json: stored.response };
      if (!stored.response.background) throw invalidRequest('This response cannot be streamed because it was not created with background=true.', 'stream', null);
      return { events: ctx.services.responses.stream(stored, query.starting_after ?? null) };
    },
  },
  {
    method: 'DELETE',
    path: '/responses/{response_id}',
    handler: (ctx) => {
      const stored = findResponse(ctx.services, ctx.params.response_id!);
      ctx.services.store.state.responses.delete(stored.response.id);
      ctx.services.responses.forget(stored);
      ctx.services.store.changed();
      return { json: { id: stored.response.id, object: 'response', deleted: true } };
    },
  },
  {
    method: 'POST',
    path: '/responses/{response_id}/cancel',
    handler: (ctx) => ({ json: ctx.services.responses.cancel(findResponse(ctx.services, ctx.params.response_id!)) }),
  },
  {
    method: 'GET',
    path: '/responses/{response_id}/input_items',
    handler: (ctx) => {
      const stored = findResponse(ctx.services, ctx.params.response_id!);
      const query = new URLSearchParams([...ctx.query].filter(([k]) => k !== 'include' && k !== 'include[]'));
      return { json: paginate(stored.inputItems as { id: string }[], query) };
    },
  },
];
