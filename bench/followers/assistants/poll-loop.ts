// (a) and (b): a hand-written loop that retrieves the run every interval and submits tool outputs when asked.
// (a) is the training's loop (5 s); (b) a tight 1 s loop. Intervals scale with the workload in quick mode.
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { sleep } from '../../pool';
import type { Follower, FollowerKey } from '../types';
import { followDirectly, type FollowOne } from './direct';
import { TERMINAL } from '../statuses';
import { benchAssistant, fixedOutputs } from './tools';

export function pollLoopFollower(key: FollowerKey, intervalMs: number, description: string): Follower {
  const followOne: FollowOne = async (ctx, threadId) => {
    const interval = intervalMs * ctx.config.timeScale;
    let run: Run = await ctx.openai.beta.threads.runs.create(threadId, { assistant_id: benchAssistant(ctx) });
    let requiresActionSeenMs: number | undefined;
    while (!TERMINAL.has(run.status)) {
      if (run.status === 'requires_action') {
        requiresActionSeenMs = Date.now();
        run = await ctx.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: threadId, tool_outputs: fixedOutputs(run) });
        continue;
      }
      await sleep(interval);
      run = await ctx.openai.beta.threads.runs.retrieve(run.id, { thread_id: threadId });
    }
    return { upstreamRunId: run.id, status: run.status, requiresActionSeenMs, terminalSeenMs: Date.now() };
  };
  return { key, protocol: 'assistants', description, follow: async (ctx, workload) => ({ runs: await followDirectly(ctx, workload, followOne) }) };
}
