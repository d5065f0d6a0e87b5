// Shared by the Responses followers that talk to the server themselves. A run is a chain of background
// responses on one conversation (its turns scripted by conversation_id): the first asks the question; each
// response that completes with function_call items is the run's requires_action, answered by the next
// response's function_call_output items; the first response that ends otherwise ends the run.
// Only how a follower waits for one response to end differs (polling, the SDK's stream).
import type { Response } from 'openai/resources/responses/responses';
import { mapPool } from '../../pool';
import { QUESTION, type WorkloadRun } from '../../workload';
import type { DirectContext, FollowedRun } from '../types';
import { fixedOutputs, FUNCTION_TOOLS, MODEL } from './tools';

/** Resolves with the response once it has ended (the follower's own way of waiting). */
export type WaitForResponse = (ctx: DirectContext, created: Response) => Promise<Response>;

export async function followChain(ctx: DirectContext, conversationId: string, waitFor: WaitForResponse): Promise<Omit<FollowedRun, 'index'>> {
  const chain: string[] = [];
  let input: string | ReturnType<typeof fixedOutputs> = QUESTION;
  let requiresActionSeenMs: number | undefined;
  for (;;) {
    // store: true is what background needs (and what lets the next response of the conversation read this one).
    const created = await ctx.openai.responses.create({ model: MODEL, conversation: conversationId, input, tools: FUNCTION_TOOLS, background: true, store: true });
    chain.push(created.id);
    const ended = await waitFor(ctx, created);
    const outputs = fixedOutputs(ended);
    if (outputs.length === 0) {
      return { upstreamRunId: ended.id, upstreamRunIds: chain, status: ended.status ?? 'unknown', requiresActionSeenMs, terminalSeenMs: Date.now() };
    }
    requiresActionSeenMs = Date.now();
    input = outputs;
  }
}

/** One conversation per run, its turns scripted, then the runs followed with at most `clientConcurrency` in flight. */
export async function followConversations(ctx: DirectContext, workload: readonly WorkloadRun[], waitFor: WaitForResponse): Promise<FollowedRun[]> {
  const conversations = await mapPool(workload, 16, async (run) => {
    const conversation = await ctx.openai.conversations.create({});
    await ctx.admin.script({ conversation_id: conversation.id }, run.turns);
    return conversation.id;
  });
  return mapPool(workload, ctx.config.clientConcurrency, async (run, i) => ({ index: run.index, ...(await followChain(ctx, conversations[i]!, waitFor)) }));
}
