// Vector stores: ours carry metadata app_deployment = DEPLOYMENT_ID. Ours go once expired, or once idle
// longer than VECTOR_STORE_TTL unless a kept assistant searches them. (Stores the service creates for
// threads' file_search attachments are untagged and expire by themselves.)
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { fileSearchVectorStoreIds } from '../file-references';
import { decideVectorStore } from '../policies';
import { collect, deleteUnlessGone } from '../upstream-calls';
import { METADATA_KEYS } from '../../runs/run-facts';

export async function sweepVectorStores(ctx: SweepContext): Promise<void> {
  const assistants = (await ctx.assistants()).filter((a) => !ctx.doomed.assistants.has(a.id));
  const searched = new Set(assistants.flatMap((a) => fileSearchVectorStoreIds(a.tool_resources)));
  const stores = await collect(ctx.client.vectorStores.list({ limit: 100 }, ctx.requestOptions));
  await forEachConcurrently(stores, ctx.concurrency, async (store) => {
    ctx.summary.examined('vector_stores');
    const deployment = (store.metadata as Record<string, unknown> | null)?.[METADATA_KEYS.deployment];
    const verdict = decideVectorStore(
      {
        deployment: typeof deployment === 'string' ? deployment : undefined,
        status: store.status,
        createdAtMs: store.created_at * 1000,
        lastActiveAtMs: store.last_active_at ? store.last_active_at * 1000 : undefined,
        expiresAtMs: store.expires_at ? store.expires_at * 1000 : undefined,
        referenced: searched.has(store.id),
      },
      ctx.config.DEPLOYMENT_ID,
      ctx.now(),
      ctx.config.VECTOR_STORE_TTL,
    );
    if (verdict.action === 'skip') return ctx.summary.skipped('vector_stores', verdict.reason);
    if (!ctx.mayDelete('vector_stores')) return;
    try {
      if (!ctx.dryRun) {
        const outcome = await deleteUnlessGone(() => ctx.client.vectorStores.delete(store.id, ctx.requestOptions));
        ctx.logger.info('sweep: deleted vector store', { vectorStoreId: store.id, reason: verdict.reason, outcome });
      }
      ctx.summary.deleted('vector_stores', store.id);
    } catch (error) {
      ctx.logger.warn('sweep: vector store not deleted', { vectorStoreId: store.id, error });
      ctx.summary.failed('vector_stores', store.id, error);
    }
  });
}
