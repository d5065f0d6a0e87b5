// Responses that ended (completed, also with function calls; failed; incomplete; cancelled) never change again, so
// this process keeps the last ones it saw, from their stream's final event or a retrieve. The worker asks about them
// right after: the response answering function calls checks the one that asked (runs.ts `current`), and a run's end
// sums the usage of its chain (usage.ts). Without this each is one more upstream call per response of the chain.
// A response not remembered (another process streamed it, or it was dropped) is retrieved as before.
import type OpenAI from 'openai';
import type { Response } from 'openai/resources/responses/responses';

/** Enough for every run in flight in one worker, a few responses each; a response is a few kB. */
const LIMIT = 2048;
const ENDED = new Set<Response['status']>(['completed', 'failed', 'incomplete', 'cancelled']);

export interface EndedResponses {
  /** Keeps the response if it has ended (a live one is not kept: it still changes). */
  remember(response: Response): void;
  /** The ended response remembered under `id`, else the service's (remembered when it has ended). */
  retrieve(id: string): Promise<Response>;
}

export function endedResponses(client: OpenAI, limit = LIMIT): EndedResponses {
  const kept = new Map<string, Response>();
  const remember = (response: Response) => {
    if (!ENDED.has(response.status)) return;
    kept.delete(response.id);
    kept.set(response.id, response);
    if (kept.size > limit) kept.delete(kept.keys().next().value as string);
  };
  return {
    remember,
    async retrieve(id) {
      const known = kept.get(id);
      if (known) return known;
      const response = await client.responses.retrieve(id);
      remember(response);
      return response;
    },
  };
}
