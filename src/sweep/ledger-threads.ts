// Is the thread a resource was made for still kept? Read from the ledger at most once per thread per sweep;
// a thread this sweep deletes (or, in a dry run, would delete) counts as gone from then on.
import type { ThreadRecord } from '../store/ledger';
import type { SweepContext } from './context';
import type { ThreadState } from './policies';

export class LedgerThreads {
  private readonly records = new Map<string, Promise<ThreadRecord | null>>();

  constructor(private readonly ctx: Pick<SweepContext, 'ledger' | 'doomed'>) {}

  /** The kept thread's record, or undefined when it is gone (unknown, marked deleted, or deleted by this sweep). */
  async kept(threadId: string): Promise<ThreadRecord | undefined> {
    if (this.ctx.doomed.threads.has(threadId)) return undefined;
    let record = this.records.get(threadId);
    if (!record) {
      record = this.ctx.ledger.getThread(threadId);
      this.records.set(threadId, record);
    }
    const thread = await record;
    return thread && thread.deletedAt === undefined && !this.ctx.doomed.threads.has(threadId) ? thread : undefined;
  }

  async state(threadId: string): Promise<ThreadState> {
    return (await this.kept(threadId)) ? 'kept' : 'gone';
  }
}
