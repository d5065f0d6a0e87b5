// (a) and (b) on Responses: a hand-written loop that retrieves each background response of the run's chain every
// interval until it has ended, answering function calls with the next response. Intervals scale with the workload.
import type { Response } from 'openai/resources/responses/responses';
import { sleep } from '../../pool';
import { TERMINAL } from '../statuses';
import type { Follower, FollowerKey } from '../types';
import { followConversations, type WaitForResponse } from './direct';

/** Retrieves the response every `intervalMs` (scaled) until it has ended. */
export function pollResponse(intervalMs: number): WaitForResponse {
  return async (ctx, created) => {
    let response: Response = created;
    while (!TERMINAL.has(response.status ?? 'in_progress')) {
      await sleep(intervalMs * ctx.config.timeScale);
      response = await ctx.openai.responses.retrieve(response.id);
    }
    return response;
  };
}

export function responsesPollLoopFollower(key: FollowerKey, intervalMs: number, description: string): Follower {
  const waitFor = pollResponse(intervalMs);
  return { key, protocol: 'responses', description, follow: async (ctx, workload) => ({ runs: await followConversations(ctx, workload, waitFor) }) };
}
