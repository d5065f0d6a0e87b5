// Files. Upstream files carry no metadata, so a file is this deployment's only when
//   - its name follows the assistants-as-code scheme with our DEPLOYMENT_ID (data files, purpose `assistants`), or
//   - the ledger's Files table (src/store/ledger/files.ts) records it: an `upload` through our API (purpose
//     `assistants`), or a `generated` file our runs wrote (purpose `assistants_output`) — recorded by the worker,
//     or by this sweep from the assistant messages of a thread it deletes.
// Anything else is foreign, whatever its age. Ours goes when older than FILE_TTL and nothing the sweep keeps uses
// it; what uses a file is the protocol's (file-users.ts). Reference checks cost requests, so they run only for
// old files of ours. Runs after threads and assistants, whose deletion frees files.
import type { FileObject } from 'openai/resources/files';
import { fileToRow, rowToFile, type FileWithUses } from '../../store/ledger';
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { decideFile, fileOwnership, type Verdict } from '../policies';
import { collect, deleteUnlessGone } from '../upstream-calls';
import type { FileUsersOf } from './file-users';

export function sweepFiles(usersOf: FileUsersOf): (ctx: SweepContext) => Promise<void> {
  return async (ctx) => {
    const isUsed = await usersOf(ctx);
    const registered = await ctx.ledger.listFilesWithUses();
    const known = withHarvested(registered, ctx);
    const upstream = await collect(ctx.client.files.list({}, ctx.requestOptions));

    await forEachConcurrently(upstream, ctx.concurrency, async (file) => {
      ctx.summary.examined('files');
      try {
        const record = known.get(file.id);
        const verdict = await decide(ctx, file, record, () => isUsed(file, record));
        if (verdict.action === 'skip') return ctx.summary.skipped('files', verdict.reason);
        if (!ctx.mayDelete('files')) return;
        if (!ctx.dryRun) {
          const outcome = await deleteUnlessGone(() => ctx.client.files.delete(file.id, ctx.requestOptions));
          if (record) await ctx.ledger.deleteFileRow(file.id);
          ctx.logger.info('sweep: deleted file', { fileId: file.id, purpose: file.purpose, source: record?.source ?? 'data_file', outcome });
        }
        ctx.summary.deleted('files', file.id);
      } catch (error) {
        ctx.logger.warn('sweep: file not deleted', { fileId: file.id, error });
        ctx.summary.failed('files', file.id, error);
      }
    });

    await forgetVanishedFiles(ctx, registered, new Set(upstream.map((f) => f.id)));
  };
}

async function decide(ctx: SweepContext, file: FileObject, record: FileWithUses | undefined, referenced: () => Promise<boolean>): Promise<Verdict> {
  const facts = { ownership: fileOwnership(file, ctx.config.DEPLOYMENT_ID, record), createdAtMs: file.created_at * 1000 };
  const now = ctx.now();
  const first = decideFile(facts, now, ctx.config.FILE_TTL);
  if (first.action !== 'check_references') return first;
  const second = decideFile({ ...facts, referenced: await referenced() }, now, ctx.config.FILE_TTL);
  if (second.action === 'check_references') throw new Error('decideFile asked for references it was given');
  return second;
}

/** The ledger's files plus run outputs found in threads deleted this sweep (a dry run did not record them). */
function withHarvested(registered: FileWithUses[], ctx: SweepContext): Map<string, FileWithUses> {
  const known = new Map(registered.map((r) => [r.fileId, r]));
  for (const h of ctx.harvested.values()) {
    const existing = known.get(h.fileId);
    const threadIds = h.threadId ? [h.threadId] : [];
    if (existing) known.set(h.fileId, { ...existing, threadIds: [...new Set([...existing.threadIds, ...threadIds])] });
    // As the ledger would read the harvested record back (what matters here: source, owner, threads, age).
    else known.set(h.fileId, { ...rowToFile(fileToRow(h)), threadIds });
  }
  return known;
}

/**
 * Ledger rows of files no longer upstream (deleted elsewhere): dropped once older than
 * FILE_TTL, so a file uploaded after the listing was taken is never forgotten. (Responses: generated files live
 * in containers, never in this listing; their rows go once older than FILE_TTL, long after the container expired.)
 */
async function forgetVanishedFiles(ctx: SweepContext, registered: FileWithUses[], upstreamIds: ReadonlySet<string>): Promise<void> {
  const cutoff = ctx.now() - ctx.config.FILE_TTL;
  const vanished = registered.filter((r) => !upstreamIds.has(r.fileId) && r.createdAt < cutoff);
  await forEachConcurrently(vanished, ctx.concurrency, async (record) => {
    ctx.summary.examined('ledger');
    if (!ctx.mayDelete('ledger')) return;
    try {
      if (!ctx.dryRun) await ctx.ledger.deleteFileRow(record.fileId);
      ctx.summary.deleted('ledger', `file:${record.fileId}`);
    } catch (error) {
      ctx.summary.failed('ledger', `file:${record.fileId}`, error);
    }
  });
}
