// Threads: the ledger is the only list of them (neither protocol can list threads or conversations), so
// candidates are the ledger's threads inactive longer than THREAD_TTL, including ones already marked deleted
// (by their owner, or by a sweep cut short before it finished them). What a thread is upstream, and so how
// it is removed, is the protocol's (assistants-threads.ts, responses-threads.ts).
//
// Order per thread, so that a crash at any point leaves a state the next sweep finishes:
//   re-read and decide → mark deleted (the API answers 404 and no new run can claim it)
//   → remove it upstream (the protocol's part; 404 = already done) → purge its ledger rows.
import type { ThreadRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { decideThread } from '../policies';

/**
 * Removes one thread upstream (the ledger row is marked deleted unless dry run; the caller purges it after).
 * In a dry run it only looks and lists. Returns what the log line should say.
 */
export type RemoveThreadUpstream = (ctx: SweepContext, thread: ThreadRecord) => Promise<Record<string, unknown>>;

export function sweepThreads(removeUpstream: RemoveThreadUpstream): (ctx: SweepContext) => Promise<void> {
  return async (ctx) => {
    const cutoff = ctx.now() - ctx.config.THREAD_TTL;
    const candidates = await ctx.ledger.listThreadsInactiveSince(cutoff, { includeDeleted: true });
    await forEachConcurrently(candidates, ctx.concurrency, (candidate) => sweepThread(ctx, candidate.threadId, removeUpstream));
  };
}

async function sweepThread(ctx: SweepContext, threadId: string, removeUpstream: RemoveThreadUpstream): Promise<void> {
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

    if (!ctx.dryRun && thread.deletedAt === undefined) await ledger.markThreadDeleted(threadId, ctx.now());
    const outcome = await removeUpstream(ctx, thread);
    if (!ctx.dryRun) {
      await ledger.purgeThread(threadId);
      logger.info('sweep: deleted thread', { threadId, reason: verdict.reason, ownerId: thread.ownerId, ...outcome });
    }
    ctx.doomed.threads.add(threadId);
    summary.deleted('threads', threadId);
  } catch (error) {
    logger.warn('sweep: thread not deleted', { threadId, error });
    summary.failed('threads', threadId, error);
  }
}
