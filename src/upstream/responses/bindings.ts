// The adapter's bookkeeping, in the ledger (crash-safe, shared by every instance) with in-memory caches for
// what never changes: thread → conversation (ThreadRecord.conversationId, written by the caller with the thread),
// thread → tool resources (vector store, container, code files), run → response chain (RunRecord.upstreamRunIds),
// and, per process, which container holds a container file the app knows as `file-cfile_…`.
import { notFound } from '../../errors';
import type { Ledger, RunRecord, ThreadRecord, ThreadToolResources } from '../../store/ledger';

export interface Bindings {
  /** The thread's row (its tool resources are read fresh: they change). Unknown thread → not_found. */
  thread(threadId: string): Promise<ThreadRecord>;
  /** The `conv_…` the thread is bound to (cached: it never changes). */
  conversationOf(threadId: string): Promise<string>;
  /** Remembers a binding the adapter just made, so the first use does not read it back. */
  rememberConversation(threadId: string, conversationId: string): void;
  run(threadId: string, runId: string): Promise<RunRecord>;
  updateResources(threadId: string, update: (current: ThreadToolResources) => ThreadToolResources | null): Promise<ThreadToolResources>;
  /** Container files seen in messages: app file id → container id (the follower asks for them right after). */
  locate(appFileId: string, containerId: string): void;
  containerOf(appFileId: string): string | undefined;
}

/** Container file locations kept per process; old ones are dropped first (the follower needs only fresh ones). */
const MAX_LOCATIONS = 10_000;

export function createBindings(ledger: Ledger): Bindings {
  const conversations = new Map<string, string>();
  const locations = new Map<string, string>();

  const thread = async (threadId: string) => {
    const record = await ledger.getThread(threadId);
    if (!record) throw notFound('Thread');
    if (record.conversationId) conversations.set(threadId, record.conversationId);
    return record;
  };

  return {
    thread,
    async conversationOf(threadId) {
      const cached = conversations.get(threadId);
      if (cached) return cached;
      const record = await thread(threadId);
      // A thread recorded by the Assistants protocol (or before its binding was written) has no conversation here.
      if (!record.conversationId) throw notFound('Thread');
      return record.conversationId;
    },
    rememberConversation: (threadId, conversationId) => void conversations.set(threadId, conversationId),
    async run(threadId, runId) {
      const record = await ledger.getRun(threadId, runId);
      if (!record) throw notFound('Run');
      return record;
    },
    async updateResources(threadId, update) {
      const result = await ledger.updateThreadResources(threadId, update);
      if (!result) throw notFound('Thread');
      return result;
    },
    locate(appFileId, containerId) {
      locations.delete(appFileId);
      locations.set(appFileId, containerId);
      if (locations.size > MAX_LOCATIONS) locations.delete(locations.keys().next().value as string);
    },
    containerOf: (appFileId) => locations.get(appFileId),
  };
}
