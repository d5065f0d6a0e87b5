// A thread on the Assistants protocol is an upstream thread with the same id; deleting it deletes its
// messages and runs. Before it goes, the files its runs wrote are recorded as ours (only its messages say so),
// so the files step can delete them.
import type { NewFileRecord, ThreadRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { runOutputFileIds } from '../file-references';
import { collect, deleteUnlessGone, isGone } from '../upstream-calls';
import type { RemoveThreadUpstream } from './threads';

export const removeAssistantsThread: RemoveThreadUpstream = async (ctx, thread) => {
  await harvestRunOutputs(ctx, thread);
  if (ctx.dryRun) return {};
  return { outcome: await deleteUnlessGone(() => ctx.client.beta.threads.delete(thread.threadId, ctx.requestOptions)) };
};

/** Files the thread's runs wrote: recorded as ours before the thread (the only trace of them) goes. */
async function harvestRunOutputs(ctx: SweepContext, thread: ThreadRecord): Promise<void> {
  let messages;
  try {
    messages = await collect(ctx.client.beta.threads.messages.list(thread.threadId, { limit: 100 }, ctx.requestOptions));
  } catch (error) {
    // Already deleted upstream by an earlier attempt, which recorded the outputs first.
    if (isGone(error)) return;
    throw error;
  }
  for (const message of messages) {
    for (const fileId of runOutputFileIds(message)) {
      // Usually the worker recorded it already (with name and size); then this only fills in what it lacked.
      const record: NewFileRecord = {
        fileId,
        source: 'generated',
        purpose: 'assistants_output',
        ownerId: thread.ownerId,
        threadId: thread.threadId,
        runId: message.run_id ?? undefined,
        createdAt: message.created_at * 1000,
      };
      if (!ctx.dryRun) await ctx.ledger.recordFile(record);
      ctx.harvested.set(fileId, record);
    }
  }
}
