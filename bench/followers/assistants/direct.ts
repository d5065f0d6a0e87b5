// Shared by the followers that talk to the server themselves: one thread per run, its turns scripted,
// the runs followed with at most `clientConcurrency` in flight.
import { mapPool } from '../../pool';
import { QUESTION, type WorkloadRun } from '../../workload';
import type { DirectContext, FollowedRun } from '../types';

export type FollowOne = (ctx: DirectContext, threadId: string, run: WorkloadRun) => Promise<Omit<FollowedRun, 'index'>>;

export async function followDirectly(ctx: DirectContext, workload: readonly WorkloadRun[], followOne: FollowOne): Promise<FollowedRun[]> {
  const threads = await mapPool(workload, 16, async (run) => {
    const thread = await ctx.openai.beta.threads.create({ messages: [{ role: 'user', content: QUESTION }] });
    await ctx.admin.script({ thread_id: thread.id }, run.turns);
    return thread.id;
  });
  return mapPool(workload, ctx.config.clientConcurrency, async (run, i) => ({ index: run.index, ...(await followOne(ctx, threads[i]!, run)) }));
}
