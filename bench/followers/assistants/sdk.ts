// (c) The SDK's helpers: createAndPoll, then submitToolOutputsAndPoll for each round of tool calls.
// They poll at the interval the server suggests (openai-poll-after-ms), which no time scale changes.
import type { Follower } from '../types';
import { followDirectly, type FollowOne } from './direct';
import { benchAssistant, fixedOutputs } from './tools';

const followOne: FollowOne = async (ctx, threadId) => {
  let run = await ctx.openai.beta.threads.runs.createAndPoll(threadId, { assistant_id: benchAssistant(ctx) });
  let requiresActionSeenMs: number | undefined;
  while (run.status === 'requires_action') {
    requiresActionSeenMs = Date.now();
    run = await ctx.openai.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: threadId, tool_outputs: fixedOutputs(run) });
  }
  return { upstreamRunId: run.id, status: run.status, requiresActionSeenMs, terminalSeenMs: Date.now() };
};

export const sdkFollower: Follower = {
  key: 'sdk',
  protocol: 'assistants',
  description: 'openai SDK: runs.createAndPoll, then runs.submitToolOutputsAndPoll per tool round',
  follow: async (ctx, workload) => ({ runs: await followDirectly(ctx, workload, followOne) }),
};
