// What the steps of one sweep share: dependencies, the tally, the deletion cap, and what earlier steps
// learned (objects they deleted no longer keep files alive; run outputs found in deleted threads).
import type OpenAI from 'openai';
import type { Assistant } from 'openai/resources/beta/assistants';
import type { Config } from '../config';
import type { Logger } from '../logging';
import type { Ledger, NewFileRecord } from '../store/ledger';
import type { DeletionBudget } from './deletion-budget';
import { collect, type SweepRequestOptions } from './upstream-calls';
import type { SummaryBuilder, SweepKind } from './summary';

export type SweepConfig = Pick<
  Config,
  'DEPLOYMENT_ID' | 'THREAD_TTL' | 'FILE_TTL' | 'VECTOR_STORE_TTL' | 'LEDGER_RETENTION' | 'SWEEP_MAX_DELETIONS' | 'SWEEP_DRY_RUN'
>;

/** The ledger operations the sweep uses (the full Ledger satisfies it). */
export type SweepLedger = Pick<
  Ledger,
  | 'listThreadsInactiveSince'
  | 'getThread'
  | 'getRun'
  | 'listRuns'
  | 'markThreadDeleted'
  | 'purgeThread'
  | 'listThreadsByOwner'
  | 'listRunsCreatedBefore'
  | 'deleteRunsOlderThan'
  | 'acquireLease'
  | 'renewLease'
  | 'releaseLease'
  // Files: which upstream files are ours (uploads, run outputs); see src/store/ledger/files.ts.
  | 'recordFile'
  | 'listFilesWithUses'
  | 'deleteFileRow'
>;

export interface SweepContext {
  client: OpenAI;
  ledger: SweepLedger;
  config: SweepConfig;
  definedKeys: ReadonlySet<string>;
  /**
   * Responses: the names the current definitions' data files are uploaded under (data-files.ts); the adapter
   * finds them by name, so these are the data files in use. Undefined: not known, every data file is kept.
   */
  dataFileNames?: () => Promise<ReadonlySet<string>>;
  /** The sweep's clock: epoch milliseconds, like the ledger's times. */
  now: () => number;
  logger: Logger;
  dryRun: boolean;
  /** Upstream calls in flight at once. */
  concurrency: number;
  /** Options of every upstream request (the SDK's retries). */
  requestOptions: SweepRequestOptions;
  summary: SummaryBuilder;
  /**
   * Threads and assistants this sweep deleted (dry run: would delete); vector stores and containers a thread
   * step already dealt with (deleted, would delete, or failed on), which the listing steps then pass over.
   */
  doomed: { threads: Set<string>; assistants: Set<string>; vectorStores: Set<string>; containers: Set<string> };
  /** Run outputs found in threads this sweep deleted, by file id (a dry run does not record them in the ledger). */
  harvested: Map<string, NewFileRecord>;
  /** Every upstream assistant, listed once per sweep (a failed listing fails every step that needs it). */
  assistants(): Promise<Assistant[]>;
  /**
   * Asks for one deletion of `kind`: false (with the skip recorded) once the lease is lost or the cap
   * is reached. Called only for objects the policy says should go.
   */
  mayDelete(kind: SweepKind): boolean;
}

/** The context's fixed parts, plus what it derives the rest from. */
export type ContextInput = Pick<
  SweepContext,
  'client' | 'ledger' | 'config' | 'definedKeys' | 'dataFileNames' | 'now' | 'logger' | 'dryRun' | 'concurrency' | 'requestOptions' | 'summary'
> & {
  budget: DeletionBudget;
  lease: { readonly lost: boolean };
};

export function createSweepContext(input: ContextInput): SweepContext {
  const { budget, lease, summary, ...rest } = input;
  let assistants: Promise<Assistant[]> | undefined;
  return {
    ...rest,
    summary,
    doomed: { threads: new Set(), assistants: new Set(), vectorStores: new Set(), containers: new Set() },
    harvested: new Map(),
    assistants: () => (assistants ??= collect(input.client.beta.assistants.list({ limit: 100 }, input.requestOptions))),
    mayDelete(kind) {
      if (lease.lost) {
        summary.skipped(kind, 'lease_lost');
        return false;
      }
      if (!budget.take()) {
        summary.skipped(kind, 'cap_reached');
        return false;
      }
      return true;
    },
  };
}
