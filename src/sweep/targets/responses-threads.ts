// A thread on the Responses protocol is a `thread_…` id of ours bound (ThreadRecord.conversationId) to a
// conversation, with what the adapter made for it: the stored responses of its runs' chains (RunRecord.upstreamRunIds;
// the protocol cannot list responses, so only the ledger finds them), its vector store and its container.
// All go with the thread, as one deletion against the cap (as an Assistants thread takes its runs and messages
// along); each part is still counted under its own kind. The conversation goes last, so a crash leaves a
// marked-deleted thread whose remaining parts the next sweep deletes (404 = already gone).
//
// No run outputs to harvest: on Responses, the files runs write live in the thread's container and go with it
// (ledger rows of such files are forgotten by the files step once older than FILE_TTL).
import type { RunRecord, ThreadRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { deleteUnlessGone, type DeleteOutcome } from '../upstream-calls';
import { deletePart, storedResponseIds } from './parts';
import type { RemoveThreadUpstream } from './threads';

export const removeResponsesThread: RemoveThreadUpstream = async (ctx, thread) => {
  const { client, requestOptions } = ctx;
  const responseIds = (await listThreadRuns(ctx, thread.threadId)).flatMap(storedResponseIds);
  for (const id of responseIds) await deletePart(ctx, 'responses', id, () => client.responses.delete(id, requestOptions));
  if (thread.containerId) {
    const id = thread.containerId;
    ctx.doomed.containers.add(id);
    await deletePart(ctx, 'containers', id, () => client.containers.delete(id, requestOptions));
  }
  if (thread.vectorStoreId) {
    const id = thread.vectorStoreId;
    ctx.doomed.vectorStores.add(id);
    await deletePart(ctx, 'vector_stores', id, () => client.vectorStores.delete(id, requestOptions));
  }
  if (ctx.dryRun) return {};
  // A thread whose conversation was never bound (a crash before the binding was written) has nothing upstream.
  const conversationId = thread.conversationId;
  const outcome: DeleteOutcome = conversationId ? await deleteUnlessGone(() => client.conversations.delete(conversationId, requestOptions)) : 'already_gone';
  return { conversationId, outcome, responses: responseIds.length, containerId: thread.containerId, vectorStoreId: thread.vectorStoreId };
};

async function listThreadRuns(ctx: SweepContext, threadId: ThreadRecord['threadId']): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ctx.ledger.listRuns(threadId, { limit: 100, after });
    runs.push(...page.runs);
    const last = page.runs.at(-1);
    if (!page.hasMore || !last) return runs;
    after = last.runId;
  }
}
