// Threads: the ledger is the only list of them (the protocol cannot list threads), so candidates are
// the ledger's threads inactive longer than THREAD_TTL, including ones already marked deleted (by their
// owner, or by a sweep cut short before it finished them).
//
// Order per thread, so that a crash at any point leaves a state the next sweep finishes:
//   re-read and decide → mark deleted (the API answers 404 and no new run can claim it)
//   → record the files its runs wrote (they are ours, and only this thread said so)
//   → delete upstream (404 = already done) → purge its ledger rows.
import type { NewFileRecord, ThreadRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { runOutputFileIds } from '../file-references';
import { forEachConcurrently } from '../concurrency';
import { decideThread } from '../policies';
import { collect, deleteUnlessGone, isGone } from '../upstream-calls';

export async function sweepThreads(ctx: SweepContext): Promise<void> {
  const cutoff = ctx.now() - ctx.config.THREAD_TTL;
  const candidates = await ctx.ledger.listThreadsInactiveSince(cutoff, { includeDeleted: true });
  await forEachConcurrently(candidates, ctx.concurrency, (candidate) => sweepThread(ctx, candidate.threadId));
}

async function sweepThread(ctx: SweepContext, threadId: string): Promise<void> {
  const { summary, ledger, logger } = ctx;
  summary.examined('threads');
  try {
    // The listing may be seconds old: a message posted since then keeps the thread.
    const thread = await ledger.getThread(threadId);
    if (!thread) return summary.skipped('threads', 'gone');
    const activeRun = thread.activeRunId ? await ledger.getRun(threadId, thread.activeRunId) : undefined;
    const verdict = decideThread({ ...thread, activeRunStatus: activeRun?.status }, ctx.now(), ctx.config.THREAD_TTL);
    if (verdict.action === 'skip') return summary.skipped('threads', verdict.reason);
    if (!ctx.mayDelete('threads')) return;

    if (ctx.dryRun) {
      await harvestRunOutputs(ctx, thread);
    } else {
      if (thread.deletedAt === undefined) await ledger.markThreadDeleted(threadId, ctx.now());
      await harvestRunOutputs(ctx, thread);
      const outcome = await deleteUnlessGone(() => ctx.client.beta.threads.delete(threadId, ctx.requestOptions));
      await ledger.purgeThread(threadId);
      logger.info('sweep: deleted thread', { threadId, reason: verdict.reason, outcome, ownerId: thread.ownerId });
    }
    ctx.doomed.threads.add(threadId);
    summary.deleted('threads', threadId);
  } catch (error) {
    logger.warn('sweep: thread not deleted', { threadId, error });
    summary.failed('threads', threadId, error);
  }
}

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
