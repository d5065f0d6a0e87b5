// The run ledger: what this backend knows about threads, runs, tool calls and run events, in Azure Table
// storage. Tables (`<LEDGER_TABLE_PREFIX>Threads`, ...Runs, ...ToolCalls, ...RunEvents, ...Leases, ...Files, ...Sweeps) are
// created on first use, once per process. Each table's keys and queries are described in its own module.
// Times are epoch milliseconds throughout (stored as Edm.DateTime so filters can compare them); absent
// records read as null. The run code takes the Ledger as it is (no narrower port).
import type { Config } from '../../config';
import type { StorageClients } from '../storage-clients';
import { createFileStore, type FileStore } from './files';
import { createLeaseStore, type LeaseStore } from './leases';
import { createRunEventStore, type RunEventStore } from './run-events';
import { createRunStore, type RunStore } from './runs';
import { createSweepRequestStore, type SweepRequestStore } from './sweeps';
import { lazyTable } from './table-ops';
import { createThreadStore, type ThreadStore } from './threads';
import { createToolCallStore, type ToolCallStore } from './tool-calls';

export * from './files';
export * from './leases';
export * from './run-events';
export * from './runs';
export * from './sweeps';
export * from './threads';
export * from './tool-calls';

export interface RetentionResult {
  runs: number;
  toolCalls: number;
  runEvents: number;
}

export interface Ledger extends ThreadStore, RunStore, ToolCallStore, RunEventStore, LeaseStore, FileStore, SweepRequestStore {
  readonly tableNames: Readonly<Record<'threads' | 'runs' | 'toolCalls' | 'runEvents' | 'leases' | 'files' | 'sweeps', string>>;
  /** Deletes up to `limit` (default 500) runs created before `cutoff`, with their tool calls and events. */
  deleteRunsOlderThan(cutoff: number, options?: { limit?: number }): Promise<RetentionResult>;
  /** Deletes a thread's ledger rows entirely: its runs (with tool calls and events) and the thread itself. */
  purgeThread(threadId: string): Promise<RetentionResult>;
}

export function ledgerTableNames(config: Pick<Config, 'LEDGER_TABLE_PREFIX'>): Ledger['tableNames'] {
  const prefix = config.LEDGER_TABLE_PREFIX;
  return {
    threads: `${prefix}Threads`,
    runs: `${prefix}Runs`,
    toolCalls: `${prefix}ToolCalls`,
    runEvents: `${prefix}RunEvents`,
    leases: `${prefix}Leases`,
    files: `${prefix}Files`,
    sweeps: `${prefix}Sweeps`,
  };
}

export function createLedger(
  config: Pick<Config, 'LEDGER_TABLE_PREFIX'>,
  clients: Pick<StorageClients, 'table'>,
  options: { now?: () => number } = {},
): Ledger {
  const now = options.now ?? Date.now;
  const tableNames = ledgerTableNames(config);
  const threads = createThreadStore(lazyTable(clients.table(tableNames.threads)), now);
  const runs = createRunStore(lazyTable(clients.table(tableNames.runs)), now);
  const toolCalls = createToolCallStore(lazyTable(clients.table(tableNames.toolCalls)));
  const runEvents = createRunEventStore(lazyTable(clients.table(tableNames.runEvents)), now);
  const leases = createLeaseStore(lazyTable(clients.table(tableNames.leases)), now);
  const files = createFileStore(lazyTable(clients.table(tableNames.files)));
  const sweeps = createSweepRequestStore(lazyTable(clients.table(tableNames.sweeps)));

  const deleteRunWithChildren = async (threadId: string, runId: string, into: RetentionResult) => {
    // Children first: a crash midway leaves a run row the next sweep finds again.
    into.toolCalls += await toolCalls.deleteToolCalls(runId);
    into.runEvents += await runEvents.deleteRunEvents(runId);
    if (await runs.deleteRunRow(threadId, runId)) into.runs += 1;
  };

  return {
    ...threads,
    ...runs,
    ...toolCalls,
    ...runEvents,
    ...leases,
    ...files,
    ...sweeps,
    tableNames,

    async deleteRunsOlderThan(cutoff, opts = {}) {
      const result: RetentionResult = { runs: 0, toolCalls: 0, runEvents: 0 };
      for (const run of await runs.listRunsCreatedBefore(cutoff, { limit: opts.limit ?? 500 })) {
        await deleteRunWithChildren(run.threadId, run.runId, result);
      }
      return result;
    },

    async purgeThread(threadId) {
      const result: RetentionResult = { runs: 0, toolCalls: 0, runEvents: 0 };
      for (;;) {
        const page = await runs.listRuns(threadId, { limit: 100 });
        for (const run of page.runs) await deleteRunWithChildren(threadId, run.runId, result);
        if (!page.hasMore) break;
      }
      await threads.deleteThreadRows(threadId);
      return result;
    },
  };
}
