// Deleting what is already gone is not a failure: a retried delete (at-least-once cleanup) finds a 404.
import { APIError } from 'openai';

export async function unlessGone(remove: () => Promise<unknown>): Promise<'deleted' | 'already_gone'> {
  try {
    await remove();
    return 'deleted';
  } catch (error) {
    if (error instanceof APIError && error.status === 404) return 'already_gone';
    throw error;
  }
}
