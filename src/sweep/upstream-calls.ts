// How the sweep calls the upstream: the openai SDK retries each request (per-request `maxRetries`;
// Retry-After honoured on 429, backoff on transient failures) and pages listings (`for await`).
// What the sweep adds: a 404 on a deletion means someone (maybe an earlier, interrupted sweep)
// already deleted it — the outcome we wanted.
import { NotFoundError } from 'openai';

/** Per-request options of every sweep call. */
export interface SweepRequestOptions {
  maxRetries: number;
}

/** Attempts per upstream call, the first included, unless the caller says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;

export type DeleteOutcome = 'deleted' | 'already_gone';

export const isGone = (error: unknown): boolean => error instanceof NotFoundError;

export async function deleteUnlessGone(call: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await call();
    return 'deleted';
  } catch (error) {
    if (isGone(error)) return 'already_gone';
    throw error;
  }
}

/**
 * Every item of an auto-paginated listing. Stops if an item repeats: a service that ignores `after`
 * would otherwise return the same page forever.
 */
export async function collect<T extends { id: string }>(listing: AsyncIterable<T>): Promise<T[]> {
  const items = new Map<string, T>();
  for await (const item of listing) {
    if (items.has(item.id)) break;
    items.set(item.id, item);
  }
  return [...items.values()];
}
