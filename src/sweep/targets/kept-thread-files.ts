// Is a file still used by a thread we keep? Looked at: the threads the ledger ties the file to, and
// every live thread of the file's owner (an upload may have been attached anywhere, and attaching does
// not have to be recorded). A thread is kept when the ledger has it, not deleted, and this sweep did not
// delete it; which files it uses is the protocol's (ThreadFiles, in file-users.ts).
// Each owner's threads and each thread's files are fetched at most once per sweep.
import type { ThreadRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { isGone } from '../upstream-calls';

/** The files a kept thread uses, read upstream. A 404 is caught by the caller (gone: it uses none). */
export type ThreadFiles = (ctx: SweepContext, thread: ThreadRecord) => Promise<Iterable<string>>;

export interface FileUsers {
  ownerId?: string;
  threadIds: readonly string[];
}

export class KeptThreadFiles {
  private readonly ownerThreads = new Map<string, Promise<string[]>>();
  private readonly threadFiles = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(
    private readonly ctx: SweepContext,
    private readonly filesOfThread: ThreadFiles,
  ) {}

  async isReferenced(fileId: string, users: FileUsers): Promise<boolean> {
    const threadIds = new Set(users.threadIds);
    if (users.ownerId) for (const id of await this.threadsOf(users.ownerId)) threadIds.add(id);
    for (const threadId of threadIds) {
      if ((await this.filesOf(threadId)).has(fileId)) return true;
    }
    return false;
  }

  private threadsOf(ownerId: string): Promise<string[]> {
    return memo(this.ownerThreads, ownerId, async () => {
      const ids: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.ctx.ledger.listThreadsByOwner(ownerId, { limit: 100, after });
        ids.push(...page.threads.map((t) => t.threadId));
        const last = page.threads.at(-1);
        if (!page.hasMore || !last) return ids;
        after = last.threadId;
      }
    });
  }

  private filesOf(threadId: string): Promise<ReadonlySet<string>> {
    return memo(this.threadFiles, threadId, async () => {
      if (this.ctx.doomed.threads.has(threadId)) return new Set<string>();
      const record = await this.ctx.ledger.getThread(threadId);
      if (!record || record.deletedAt !== undefined) return new Set<string>();
      try {
        return new Set(await this.filesOfThread(this.ctx, record));
      } catch (error) {
        // Gone upstream: it references nothing. Any other failure propagates: unsure means keep.
        if (isGone(error)) return new Set<string>();
        throw error;
      }
    });
  }
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}
