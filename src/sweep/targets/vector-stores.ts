// Vector stores: ours carry metadata app_deployment = DEPLOYMENT_ID. Ours go once expired, or once idle
// longer than VECTOR_STORE_TTL unless something the sweep keeps uses them; what "uses" means is the
// protocol's (below). Stores a thread step already dealt with are passed over.
import type { VectorStore } from 'openai/resources/vector-stores/vector-stores';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { fileSearchVectorStoreIds } from '../file-references';
import { LedgerThreads } from '../ledger-threads';
import { decideVectorStore, type VectorStoreFacts } from '../policies';
import { collect, deleteUnlessGone } from '../upstream-calls';

/** What keeps a store: asked once per sweep, answered per store. */
export type StoreUsers = (ctx: SweepContext) => Promise<(store: VectorStore) => Promise<Pick<VectorStoreFacts, 'referenced' | 'thread'>>>;

/**
 * Assistants: a kept assistant searches it (tool_resources.file_search). Stores the service creates for threads'
 * file_search attachments are untagged and expire by themselves.
 */
export const assistantsStoreUsers: StoreUsers = async (ctx) => {
  const assistants = (await ctx.assistants()).filter((a) => !ctx.doomed.assistants.has(a.id));
  const searched = new Set(assistants.flatMap((a) => fileSearchVectorStoreIds(a.tool_resources)));
  return async (store) => ({ referenced: searched.has(store.id) });
};

/**
 * Responses: the adapter makes one store per thread (metadata app_thread_id) and binds it in the thread's row
 * (vectorStoreId). It is used while that thread is kept; once the thread is gone it is an orphan.
 */
export const responsesStoreUsers: StoreUsers = async (ctx) => {
  const threads = new LedgerThreads(ctx);
  return async (store) => {
    const threadId = tag(store, METADATA_KEYS.threadId);
    if (!threadId) return { referenced: false };
    const thread = await threads.kept(threadId);
    return { referenced: thread?.vectorStoreId === store.id, thread: thread ? 'kept' : 'gone' };
  };
};

export function sweepVectorStores(usersOf: StoreUsers): (ctx: SweepContext) => Promise<void> {
  return async (ctx) => {
    const users = await usersOf(ctx);
    const stores = (await collect(ctx.client.vectorStores.list({ limit: 100 }, ctx.requestOptions))).filter((s) => !ctx.doomed.vectorStores.has(s.id));
    await forEachConcurrently(stores, ctx.concurrency, async (store) => {
      ctx.summary.examined('vector_stores');
      try {
        const deployment = tag(store, METADATA_KEYS.deployment);
        const verdict = decideVectorStore(
          {
            deployment,
            status: store.status,
            createdAtMs: store.created_at * 1000,
            lastActiveAtMs: store.last_active_at ? store.last_active_at * 1000 : undefined,
            expiresAtMs: store.expires_at ? store.expires_at * 1000 : undefined,
            // Only ours needs the (possibly costly) answer.
            ...(deployment === ctx.config.DEPLOYMENT_ID ? await users(store) : { referenced: false }),
          },
          ctx.config.DEPLOYMENT_ID,
          ctx.now(),
          ctx.config.VECTOR_STORE_TTL,
        );
        if (verdict.action === 'skip') return ctx.summary.skipped('vector_stores', verdict.reason);
        if (!ctx.mayDelete('vector_stores')) return;
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
  };
}

function tag(store: Pick<VectorStore, 'metadata'>, key: string): string | undefined {
  const value = (store.metadata as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : undefined;
}
