// One upstream deletion: retried like any sweep call, and a 404 means someone (maybe an earlier,
// interrupted sweep) already deleted it — the outcome we wanted.
import { isNotFound, withRetry, type RetryOptions } from './retry';

export type DeleteOutcome = 'deleted' | 'already_gone';

export async function deleteWithRetry(what: string, call: () => Promise<unknown>, options: RetryOptions): Promise<DeleteOutcome> {
  try {
    await withRetry(what, call, options);
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already_gone';
    throw error;
  }
}
