// Role assignments created by the same `azd provision` take minutes to reach the model's data plane; until
// then the service answers 401/403, which the openai SDK (rightly) never retries. The assistants sync is
// idempotent (content hashes and deployment tags), so the whole attempt is repeated until a time budget is
// spent. Any other failure, or a 401/403 past the budget, is thrown as it came.
import { APIError } from 'openai';

export interface RetryUntilAuthorizedOptions {
  /** Longest total wait for the roles to arrive. */
  budgetMs: number;
  /** Pause between attempts. */
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Told before each pause: the status seen and how long the attempts have waited so far. */
  onWait?: (status: 401 | 403, waitedMs: number) => void;
}

function authorizationStatus(error: unknown): 401 | 403 | undefined {
  const status = error instanceof APIError ? error.status : undefined;
  return status === 401 || status === 403 ? status : undefined;
}

export async function retryUntilAuthorized<T>(attempt: () => Promise<T>, options: RetryUntilAuthorizedOptions): Promise<T> {
  const start = options.now();
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const status = authorizationStatus(error);
      const waited = options.now() - start;
      if (status === undefined || waited + options.intervalMs > options.budgetMs) throw error;
      options.onWait?.(status, waited);
      await options.sleep(options.intervalMs);
    }
  }
}
