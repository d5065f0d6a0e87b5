// The Threads table holds two kinds of rows:
//   thread rows       PK `thread|<threadId>`, RK `thread`  → point read by id (ownership check = compare ownerId)
//   owner index rows  PK `owner|<ownerId>`,  RK `<newest-first time>|<threadId>` → listing a user's threads is one partition query.
// Keeping the thread row keyed by id alone means "another user's thread answers 404" costs one point read
// and callers need not know the owner to address a thread. Index rows are written after the thread row and
// removed when the thread is marked deleted; listing reads the thread rows themselves for current state.
import { odata } from '@azure/data-tables';
import { AppError, badRequest, notFound, runActive } from '../../errors';
import { columnMap, toDate, type Row } from './columns';
import { newestFirstKey, tableKey } from './keys';
import { deleteEntity, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, type LazyTable } from './table-ops';

/** Times are epoch milliseconds. */
export interface ThreadRecord {
  threadId: string;
  ownerId: string;
  assistantKey?: string;
  /** Responses protocol: the upstream conversation this thread is bound to (Assistants: none, the thread id is upstream's). */
  conversationId?: string;
  /** Responses protocol: the thread's tool resources the adapter created (file_search store, code interpreter container and files). */
  vectorStoreId?: string;
  containerId?: string;
  codeFileIds?: string[];
  /**
   * Responses protocol: each user message's attachments by conversation item id, oldest first (conversation items
   * keep none, so the message list reads them here). Bounded by MAX_MESSAGE_ATTACHMENTS_CHARS.
   */
  messageAttachments?: Record<string, MessageAttachment[]>;
  metadata: Record<string, string>;
  createdAt: number;
  lastActivityAt: number;
  /** The run that currently owns the thread (one active run per thread). */
  activeRunId?: string;
  activeRunSince?: number;
  deletedAt?: number;
}

/** A file attached to a user message, and the tools it was attached for (the Assistants `Message.Attachment` shape). */
export interface MessageAttachment {
  file_id: string;
  tools: Array<{ type: 'code_interpreter' | 'file_search' }>;
}

/** Responses protocol: the tool resources the adapter created for a thread, and the files its messages attached. */
export type ThreadToolResources = Pick<ThreadRecord, 'vectorStoreId' | 'containerId' | 'codeFileIds' | 'messageAttachments'>;

export interface NewThread {
  threadId: string;
  ownerId: string;
  assistantKey?: string;
  conversationId?: string;
  metadata?: Record<string, string>;
  createdAt: number;
}

export interface ThreadPage {
  threads: ThreadRecord[];
  hasMore: boolean;
}

export interface ThreadStore {
  /** Records a thread; repeating the call for the same owner is harmless (returns the stored record). */
  createThread(input: NewThread): Promise<ThreadRecord>;
  getThread(threadId: string): Promise<ThreadRecord | null>;
  /** The thread if it exists, is not deleted and belongs to `ownerId`; otherwise null (answer 404). */
  getOwnedThread(threadId: string, ownerId: string): Promise<ThreadRecord | null>;
  /** Newest first. `after` is the last thread id of the previous page. */
  listThreadsByOwner(ownerId: string, options?: { limit?: number; after?: string }): Promise<ThreadPage>;
  /** Moves lastActivityAt forward (never back); unknown threads are ignored. */
  touchThread(threadId: string, at: number): Promise<void>;
  /**
   * Claims (runId) or releases (null) the thread's active run.
   * Claim: succeeds when no run is active, the same run is, or `expectRunId` is (taking over a run known to be over);
   * otherwise throws AppError run_active (409) naming the active run.
   * Release: clears the active run, but only if it is `expectRunId` when that is given (unknown threads: no-op).
   * Both move lastActivityAt forward to `at` (default now) in the same write, so no touchThread is needed with them.
   * Claims on unknown or deleted threads throw not_found.
   */
  setActiveRun(threadId: string, runId: string | null, options?: { expectRunId?: string; at?: number }): Promise<void>;
  /**
   * Responses protocol: applies `update` (pure: it may run again on an ETag retry) to the thread's tool resources;
   * returns the resources as stored, or null for an unknown thread. `update` returning null changes nothing.
   */
  updateThreadResources(threadId: string, update: (current: ThreadToolResources) => ThreadToolResources | null): Promise<ThreadToolResources | null>;
  /** Marks the thread deleted and drops it from its owner's listing; null when unknown. */
  markThreadDeleted(threadId: string, at: number): Promise<ThreadRecord | null>;
  /**
   * Threads whose lastActivityAt is before `cutoff`, for the sweeper. This scans the thread rows of the
   * whole table (a range query over `thread|` partitions), so it belongs in the timer job, not in requests.
   */
  listThreadsInactiveSince(cutoff: number, options?: { limit?: number; includeDeleted?: boolean }): Promise<ThreadRecord[]>;
  /**
   * Threads holding an active run claimed before `cutoff` (the reconciler frees those whose run ended or was never
   * recorded). Scans the thread rows like listThreadsInactiveSince: timer job only.
   */
  listThreadsWithActiveRunSince(cutoff: number, options?: { limit?: number }): Promise<ThreadRecord[]>;
  /** Removes the thread row and its owner index row. */
  deleteThreadRows(threadId: string): Promise<void>;
}

const THREAD_ROW = 'thread';
const threadPk = (threadId: string) => `thread|${tableKey(threadId)}`;
const ownerPk = (ownerId: string) => `owner|${tableKey(ownerId)}`;

export function createThreadStore(table: LazyTable, now: () => number): ThreadStore {
  const readThread = async (threadId: string) => {
    const entity = await readEntity(table, threadPk(threadId), THREAD_ROW);
    return entity ? rowToThread(entity) : null;
  };

  const mutateThread = async (threadId: string, fn: (thread: ThreadRecord) => ThreadRecord | typeof NO_CHANGE) => {
    const result = await mutateEntity(table, threadPk(threadId), THREAD_ROW, (row) => {
      const next = fn(rowToThread(row));
      return next === NO_CHANGE ? NO_CHANGE : threadToRow(next);
    });
    return result ? rowToThread(result.row) : null;
  };

  const store: ThreadStore = {
    async createThread(input) {
      const record: ThreadRecord = {
        threadId: input.threadId,
        ownerId: input.ownerId,
        assistantKey: input.assistantKey,
        ...(input.conversationId ? { conversationId: input.conversationId } : {}),
        metadata: input.metadata ?? {},
        createdAt: input.createdAt,
        lastActivityAt: input.createdAt,
      };
      let stored = record;
      if (!(await insertIfAbsent(table, threadPk(input.threadId), THREAD_ROW, threadToRow(record)))) {
        const existing = await readThread(input.threadId);
        if (!existing) throw new AppError('conflict', `Thread ${input.threadId} is being recorded concurrently; try again.`, 409);
        if (existing.ownerId !== input.ownerId) throw new AppError('conflict', `Thread ${input.threadId} is already recorded.`, 409);
        stored = existing;
      }
      // Written second: a crash in between leaves a thread that is only missing from listings, and a retry repairs it.
      if (stored.deletedAt === undefined) {
        await (await table.get()).upsertEntity(
          {
            partitionKey: ownerPk(stored.ownerId),
            rowKey: newestFirstKey(stored.createdAt, stored.threadId),
            kind: 'owner-index',
            threadId: stored.threadId,
            ownerId: stored.ownerId,
            createdAt: toDate(stored.createdAt),
          },
          'Replace',
        );
      }
      return stored;
    },

    getThread: readThread,

    async getOwnedThread(threadId, ownerId) {
      const thread = await readThread(threadId);
      return thread && thread.deletedAt === undefined && thread.ownerId === ownerId ? thread : null;
    },

    async listThreadsByOwner(ownerId, options = {}) {
      const limit = clampLimit(options.limit);
      let filter = odata`PartitionKey eq ${ownerPk(ownerId)}`;
      if (options.after) {
        const cursor = await store.getOwnedThread(options.after, ownerId);
        if (!cursor) throw badRequest(`Unknown cursor: after=${options.after}`);
        filter = odata`PartitionKey eq ${ownerPk(ownerId)} and RowKey gt ${newestFirstKey(cursor.createdAt, cursor.threadId)}`;
      }
      const index = await queryEntities(table, filter, { limit: limit + 1, select: ['threadId'] });
      const threads = await Promise.all(index.slice(0, limit).map((row) => readThread(String(row.threadId))));
      return {
        threads: threads.filter((t): t is ThreadRecord => t !== null && t.deletedAt === undefined && t.ownerId === ownerId),
        hasMore: index.length > limit,
      };
    },

    async touchThread(threadId, at) {
      await mutateThread(threadId, (thread) => (thread.lastActivityAt >= at ? NO_CHANGE : { ...thread, lastActivityAt: at }));
    },

    async setActiveRun(threadId, runId, options = {}) {
      const at = options.at ?? now();
      const result = await mutateThread(threadId, (thread) => {
        const active = thread.activeRunId;
        if (runId === null) {
          if (!active || (options.expectRunId !== undefined && active !== options.expectRunId)) return NO_CHANGE;
          return { ...thread, activeRunId: undefined, activeRunSince: undefined, lastActivityAt: Math.max(thread.lastActivityAt, at) };
        }
        if (thread.deletedAt !== undefined) throw notFound('Thread');
        if (active === runId) return NO_CHANGE;
        if (active && active !== options.expectRunId) throw runActive(threadId, active);
        return { ...thread, activeRunId: runId, activeRunSince: at, lastActivityAt: Math.max(thread.lastActivityAt, at) };
      });
      // Releasing on a thread that is gone has nothing to release.
      if (!result && runId !== null) throw notFound('Thread');
    },

    async updateThreadResources(threadId, update) {
      const result = await mutateThread(threadId, (thread) => {
        const next = update(toolResourcesOf(thread));
        return next ? { ...thread, ...next } : NO_CHANGE;
      });
      return result ? toolResourcesOf(result) : null;
    },

    async markThreadDeleted(threadId, at) {
      const result = await mutateThread(threadId, (thread) =>
        thread.deletedAt !== undefined ? NO_CHANGE : { ...thread, deletedAt: at, activeRunId: undefined, activeRunSince: undefined },
      );
      if (result) await deleteEntity(table, ownerPk(result.ownerId), newestFirstKey(result.createdAt, result.threadId));
      return result;
    },

    async listThreadsInactiveSince(cutoff, options = {}) {
      // '}' follows '|' in key order, so this range holds exactly the thread rows.
      let filter = odata`PartitionKey gt ${'thread|'} and PartitionKey lt ${'thread}'} and lastActivityAt lt ${new Date(cutoff)}`;
      if (!options.includeDeleted) filter += ' and deleted eq false';
      const rows = await queryEntities(table, filter, { limit: options.limit });
      return rows.map(rowToThread);
    },

    async listThreadsWithActiveRunSince(cutoff, options = {}) {
      // A row without activeRunSince (no active run) matches no comparison, so only claimed threads come back.
      const filter = odata`PartitionKey gt ${'thread|'} and PartitionKey lt ${'thread}'} and activeRunSince lt ${new Date(cutoff)}`;
      return (await queryEntities(table, filter, { limit: options.limit })).map(rowToThread);
    },

    async deleteThreadRows(threadId) {
      const thread = await readThread(threadId);
      if (!thread) return;
      await deleteEntity(table, ownerPk(thread.ownerId), newestFirstKey(thread.createdAt, thread.threadId));
      await deleteEntity(table, threadPk(threadId), THREAD_ROW);
    },
  };
  return store;
}

function toolResourcesOf(thread: ThreadRecord): ThreadToolResources {
  return { vectorStoreId: thread.vectorStoreId, containerId: thread.containerId, codeFileIds: thread.codeFileIds, messageAttachments: thread.messageAttachments };
}

export function clampLimit(limit: number | undefined, max = 100): number {
  return Math.max(1, Math.min(max, Math.floor(limit ?? 20)));
}

/** The Threads table's thread row columns. */
const THREAD_COLUMNS = columnMap<ThreadRecord>(
  {
    threadId: 'string',
    ownerId: 'string',
    assistantKey: 'string',
    conversationId: 'string',
    vectorStoreId: 'string',
    containerId: 'string',
    codeFileIds: 'json',
    messageAttachments: 'json',
    metadata: 'json',
    createdAt: 'time',
    lastActivityAt: 'time',
    activeRunId: 'string',
    activeRunSince: 'time',
    deletedAt: 'time',
  },
  { metadata: {}, createdAt: 0 },
);

function threadToRow(thread: ThreadRecord): Row {
  // `deleted` is stored explicitly because a filter cannot select rows that lack a property.
  return { kind: 'thread', ...THREAD_COLUMNS.toRow(thread), deleted: thread.deletedAt !== undefined };
}

function rowToThread(row: Row): ThreadRecord {
  const thread = THREAD_COLUMNS.fromRow(row);
  return { ...thread, lastActivityAt: thread.lastActivityAt ?? thread.createdAt };
}
