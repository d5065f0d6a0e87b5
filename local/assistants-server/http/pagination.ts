// Cursor pagination as the service does it: limit 1–100 (default 20), order asc|desc (default desc),
// after/before cursors; {object:'list', data, first_id, last_id, has_more}.
import { z } from 'zod';
import { INT, parseOrThrow } from './validate';

const listQuery = (maxLimit: number, defaultLimit: number) =>
  z.object({
    limit: z.coerce.number().int().min(1, INT).max(maxLimit, INT).default(defaultLimit),
    order: z.enum(['asc', 'desc']).default('desc'),
    after: z.string().optional(),
    before: z.string().optional(),
  });
const STANDARD = listQuery(100, 20);

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** The Files API allows pages of up to 10,000 (its default). */
export const FILES_LIMITS = listQuery(10_000, 10_000);

/** Pages `items`, given oldest first (creation order). */
export function paginate<T extends { id: string }>(items: Iterable<T>, query: URLSearchParams, limits = STANDARD): ListPage<T> {
  const { limit, order, after, before } = parseOrThrow(limits, Object.fromEntries(query));
  const sorted = [...items];
  if (order === 'desc') sorted.reverse();
  let start = 0;
  let end = sorted.length;
  if (after !== undefined) {
    const at = sorted.findIndex((i) => i.id === after);
    start = at < 0 ? sorted.length : at + 1;
  }
  if (before !== undefined) {
    const at = sorted.findIndex((i) => i.id === before);
    end = at < 0 ? 0 : at;
  }
  let data: T[];
  let hasMore: boolean;
  if (before !== undefined && after === undefined) {
    // The page right before the cursor, still in the requested order.
    const from = Math.max(start, end - limit);
    data = sorted.slice(from, end);
    hasMore = from > start;
  } else {
    data = sorted.slice(start, Math.min(end, start + limit));
    hasMore = start + limit < end;
  }
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}
