// POST /vector_stores/{id}/search: BM25-ranked chunks of the store's files (see search.ts).
import { z } from 'zod';
import type { Route } from '../../http/context';
import { INT, parseOrThrow } from '../../http/validate';
import { findVectorStore } from '../lookup';
import { searchStores, type Filter } from './search';

const comparison = z.strictObject({
  type: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin']),
  key: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]),
});
const filterSchema: z.ZodType<Filter> = z.lazy(() => z.union([comparison, z.strictObject({ type: z.enum(['and', 'or']), filters: z.array(filterSchema) })]));

const searchSchema = z.strictObject({
  query: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  max_num_results: z.number().int().min(1, INT).max(50, INT).default(10),
  filters: filterSchema.nullable().optional(),
  ranking_options: z.strictObject({ ranker: z.enum(['none', 'auto', 'default-2024-11-15']).optional(), score_threshold: z.number().min(0).max(1).optional() }).optional(),
  rewrite_query: z.boolean().optional(),
});

export const vectorStoreSearchRoutes: Route[] = [
  {
    method: 'POST',
    path: '/vector_stores/{vector_store_id}/search',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const store = findVectorStore(state, ctx.params.vector_store_id!);
      const body = parseOrThrow(searchSchema, await ctx.json());
      const queries = typeof body.query === 'string' ? [body.query] : body.query;
      const data = searchStores(state, [store.id], queries, { maxResults: body.max_num_results, scoreThreshold: body.ranking_options?.score_threshold ?? 0, filters: body.filters });
      store.last_active_at = ctx.services.clock.nowSeconds();
      ctx.services.store.changed();
      return { json: { object: 'vector_store.search_results.page', search_query: queries, data, has_more: false, next_page: null } };
    },
  },
];
