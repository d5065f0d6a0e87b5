// Reads every page of an upstream listing, each page fetch retried on its own (a 429 on page 7 must
// not restart the listing). Stops if a page repeats an id: a service that ignores `after` would
// otherwise return the same page forever.
import { withRetry, type RetryOptions } from './retry';

export interface ListPage<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<ListPage<T>>;
}

export async function listAll<T extends { id: string }>(what: string, first: () => Promise<ListPage<T>>, retry: RetryOptions): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let page = await withRetry(what, first, retry);
  for (;;) {
    let fresh = 0;
    for (const item of page.data) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
      fresh += 1;
    }
    if (fresh === 0 || !page.hasNextPage()) return items;
    const current = page;
    page = await withRetry(what, () => current.getNextPage(), retry);
  }
}
