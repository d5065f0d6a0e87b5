// Non-idempotent upstream creates (a user message, a conversation item) are never retried blindly: the SDK's own
// retries would repeat a POST whose answer was lost after the service acted, and the user's message would stand
// on the thread twice. Each attempt goes out without SDK retries; after an ambiguous failure (no answer, a 5xx)
// `find` looks for what the lost attempt made, and only when it finds nothing is the create sent again.
import OpenAI from 'openai';

const ATTEMPTS = 3;
const BACKOFF_MS = 250;

/** Request options of one attempt: no SDK retries. */
export const SINGLE_ATTEMPT = { maxRetries: 0 } as const;

/** No answer, or the service failed after it may have acted: the create may or may not have happened. */
export function isAmbiguous(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError) return true;
  return error instanceof OpenAI.APIError && typeof error.status === 'number' && error.status >= 500;
}

export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      const made = await find();
      if (made !== undefined) return made;
      if (attempt >= ATTEMPTS) throw error;
      await sleep(BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}
