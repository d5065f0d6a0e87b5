// Containers (Responses) carry no metadata. A thread's container is recorded in its row, and the thread step
// deletes that one with its thread. This step finds the rest: ours when named `<DEPLOYMENT_ID>~<threadId>`, or
// when the ledger's Files table records a file a run of ours wrote in it (a container the service made with
// `{type:'auto'}` has a name of its own; a thread's earlier, expired containers are no longer in its row).
// Ours goes once its thread is gone (a crash between creating it and recording it, or a thread deleted before
// its row said so). Containers expire after 20 idle minutes by themselves; a kept thread's stays.
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { LedgerThreads } from '../ledger-threads';
import { decideContainer } from '../policies';
import { containerThreadId } from '../responses-names';
import { collect, deleteUnlessGone } from '../upstream-calls';

export async function sweepContainers(ctx: SweepContext): Promise<void> {
  const threads = new LedgerThreads(ctx);
  const written = await containersWrittenTo(ctx);
  const containers = (await collect(ctx.client.containers.list({ limit: 100 }, ctx.requestOptions))).filter((c) => !ctx.doomed.containers.has(c.id));
  await forEachConcurrently(containers, ctx.concurrency, async (container) => {
    ctx.summary.examined('containers');
    try {
      const threadId = containerThreadId(container.name, ctx.config.DEPLOYMENT_ID) ?? written.get(container.id);
      const verdict = decideContainer(
        {
          threadId,
          thread: threadId ? await threads.state(threadId) : 'gone',
          createdAtMs: container.created_at * 1000,
          lastActiveAtMs: container.last_active_at ? container.last_active_at * 1000 : undefined,
        },
        ctx.now(),
      );
      if (verdict.action === 'skip') return ctx.summary.skipped('containers', verdict.reason);
      if (!ctx.mayDelete('containers')) return;
      if (!ctx.dryRun) {
        const outcome = await deleteUnlessGone(() => ctx.client.containers.delete(container.id, ctx.requestOptions));
        ctx.logger.info('sweep: deleted container', { containerId: container.id, threadId, reason: verdict.reason, outcome });
      }
      ctx.summary.deleted('containers', container.id);
    } catch (error) {
      ctx.logger.warn('sweep: container not deleted', { containerId: container.id, error });
      ctx.summary.failed('containers', container.id, error);
    }
  });
}

/** Container → the thread whose run wrote a file into it, from the ledger's generated files. */
async function containersWrittenTo(ctx: SweepContext): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  for (const file of await ctx.ledger.listFilesWithUses()) {
    if (file.source === 'generated' && file.containerId && file.threadId) written.set(file.containerId, file.threadId);
  }
  return written;
}
