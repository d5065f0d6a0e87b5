// Pure decisions: given the facts about one object, does it go, and why (not)?
// No I/O here; the targets gather the facts and act on the verdict.
import { parseUploadedFileName } from '../assistants/data-files';
import { isTerminal } from '../runs/run-facts';
import type { FileSource } from '../store/ledger';
import type { SkipReason } from './summary';

export type Verdict = { action: 'delete'; reason: DeleteReason } | { action: 'skip'; reason: SkipReason };
export type DeleteReason = 'inactive' | 'marked_deleted' | 'undefined_key' | 'duplicate' | 'expired' | 'stale' | 'unreferenced' | 'orphaned';

const del = (reason: DeleteReason): Verdict => ({ action: 'delete', reason });
const skip = (reason: SkipReason): Verdict => ({ action: 'skip', reason });

/** Times are epoch milliseconds, like the ledger's. */
export interface ThreadFacts {
  lastActivityAt: number;
  activeRunId?: string;
  /** The ledger's status of activeRunId; undefined when unknown (then the run counts as active). */
  activeRunStatus?: string;
  deletedAt?: number;
}

/** Threads inactive longer than THREAD_TTL go unless a run is still going on them. */
export function decideThread(thread: ThreadFacts, nowMs: number, ttlMs: number): Verdict {
  // A thread marked deleted (by its owner or an interrupted sweep) has no run anyone waits for.
  if (thread.deletedAt !== undefined) return del('marked_deleted');
  if (thread.activeRunId && !(thread.activeRunStatus && isTerminal(thread.activeRunStatus))) return skip('active_run');
  if (nowMs - thread.lastActivityAt <= ttlMs) return skip('fresh');
  return del('inactive');
}

export interface AssistantFacts {
  /** metadata app_deployment */
  deployment?: string;
  /** metadata app_key */
  key?: string;
  /** For a defined key: the copy the resolver uses (newest); absent for the others. */
  isNewestOfKey: boolean;
  /** For an older copy of a key: when the newest copy appeared (epoch ms). */
  newestCreatedAtMs?: number;
}

/**
 * Older copies of a defined key go once the newest copy is this old: by then every resolver cache
 * has moved to it and runs started on the old copy have ended (upstream runs expire after 10 minutes).
 */
export const DUPLICATE_GRACE_MS = 60 * 60_000;

export function decideAssistant(a: AssistantFacts, deploymentId: string, definedKeys: ReadonlySet<string>, nowMs: number): Verdict {
  if (a.deployment !== deploymentId) return skip('foreign');
  // An empty list means the definitions could not be read, not that none are wanted.
  if (definedKeys.size === 0) return skip('no_definitions');
  if (!a.key || !definedKeys.has(a.key)) return del('undefined_key');
  if (a.isNewestOfKey) return skip('defined');
  if (a.newestCreatedAtMs === undefined || nowMs - a.newestCreatedAtMs < DUPLICATE_GRACE_MS) return skip('fresh');
  return del('duplicate');
}

/**
 * A thread's own resource (Responses: its vector store, its container) outlives its thread only by this much:
 * the adapter records the thread before it makes resources for it, so an older one whose thread the ledger
 * does not keep was left by a crash or by a deletion that did not finish.
 */
export const ORPHAN_GRACE_MS = 60 * 60_000;

/** Of a resource made for one thread: `kept` while the ledger keeps the thread, `gone` once it does not (or this sweep deletes it). */
export type ThreadState = 'kept' | 'gone';

export interface VectorStoreFacts {
  deployment?: string;
  status: string;
  createdAtMs: number;
  lastActiveAtMs?: number;
  expiresAtMs?: number;
  /** A kept assistant lists it in tool_resources.file_search.vector_store_ids, or a kept thread is bound to it. */
  referenced: boolean;
  /** Responses: the store was made for a thread (metadata app_thread_id); absent for any other store. */
  thread?: ThreadState;
}

/**
 * Ours and past its expiry (unusable, so even a reference does not keep it), made for a thread that is gone,
 * or idle longer than VECTOR_STORE_TTL and unused.
 */
export function decideVectorStore(vs: VectorStoreFacts, deploymentId: string, nowMs: number, ttlMs: number): Verdict {
  if (vs.deployment !== deploymentId) return skip('foreign');
  if (vs.status === 'expired' || (vs.expiresAtMs !== undefined && vs.expiresAtMs <= nowMs)) return del('expired');
  const idleMs = nowMs - Math.max(vs.createdAtMs, vs.lastActiveAtMs ?? 0);
  if (vs.thread === 'gone') return idleMs <= ORPHAN_GRACE_MS ? skip('fresh') : del('orphaned');
  if (idleMs <= ttlMs) return skip('fresh');
  if (vs.referenced) return skip('referenced');
  return del('stale');
}

export interface ContainerFacts {
  /**
   * The thread it was made for: by its name (`<DEPLOYMENT_ID>~<threadId>`), or the thread whose run the ledger
   * records writing a file into it. Undefined: not ours.
   */
  threadId?: string;
  thread: ThreadState;
  createdAtMs: number;
  lastActiveAtMs?: number;
}

/**
 * Responses containers carry no metadata: ours by name or by the ledger. One goes with its thread (the thread step deletes the
 * one the ledger records); this catches the rest: ours, and the thread is gone. A kept thread's container stays,
 * also once expired (it expires after 20 idle minutes by itself; the adapter replaces it on the next run).
 */
export function decideContainer(c: ContainerFacts, nowMs: number): Verdict {
  if (!c.threadId) return skip('foreign');
  if (c.thread === 'kept') return skip('referenced');
  if (nowMs - Math.max(c.createdAtMs, c.lastActiveAtMs ?? 0) <= ORPHAN_GRACE_MS) return skip('fresh');
  return del('orphaned');
}

/** How a file is known to be this deployment's (see docs in targets/files.ts). */
export type FileOwnership = 'data_file' | FileSource;

export interface FileFacts {
  ownership?: FileOwnership;
  createdAtMs: number;
  /** Undefined until looked up: looking references up costs requests, so it is done only when needed. */
  referenced?: boolean;
}

export type FileVerdict = Verdict | { action: 'check_references' };

/** Ours, older than FILE_TTL and referenced by no kept assistant or thread. */
export function decideFile(file: FileFacts, nowMs: number, ttlMs: number): FileVerdict {
  if (!file.ownership) return skip('foreign');
  if (nowMs - file.createdAtMs <= ttlMs) return skip('fresh');
  if (file.referenced === undefined) return { action: 'check_references' };
  return file.referenced ? skip('referenced') : del('unreferenced');
}

/** Upstream files carry no tags: ownership comes from our naming scheme or the ledger's Files table, and the purpose must fit. */
export function fileOwnership(
  file: { filename: string; purpose: string },
  deploymentId: string,
  registered: { source: FileSource } | undefined,
): FileOwnership | undefined {
  if (registered?.source === 'upload' && file.purpose === 'assistants') return 'upload';
  if (registered?.source === 'generated' && file.purpose === 'assistants_output') return 'generated';
  if (file.purpose === 'assistants' && parseUploadedFileName(file.filename)?.deploymentId === deploymentId) return 'data_file';
  return undefined;
}
