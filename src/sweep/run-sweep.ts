// The scheduled cleanup: one sweep under a storage lease, kinds in dependency order, a cap on deletions.
// Nothing is remembered between sweeps: what to delete is read afresh from upstream and the ledger each
// time, so a sweep cut short (cap, lost lease, crash) is simply continued by the next firing.
import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { Logger } from '../logging';
import { createSweepContext, type SweepConfig, type SweepContext, type SweepLedger } from './context';
import { DeletionBudget } from './deletion-budget';
import { acquireSweepLease, DEFAULT_LEASE_TTL_MS, SWEEP_LEASE_NAME } from './lease';
import { DEFAULT_MAX_ATTEMPTS } from './upstream-calls';
import { SummaryBuilder, type SweepKind, type SweepSummary } from './summary';
import { sweepAssistants } from './targets/assistants';
import { sweepFiles } from './targets/files';
import { sweepLedger } from './targets/ledger';
import { sweepThreads } from './targets/threads';
import { sweepVectorStores } from './targets/vector-stores';

export interface SweepDeps {
  client: OpenAI;
  /** Threads, runs, the lease, and which upstream files are ours (its Files table). */
  ledger: SweepLedger;
  config: SweepConfig;
  /** Keys of the assistants defined in assistants/*.json; ours with other keys are deleted. */
  definedAssistantKeys: string[];
  /** The clock: epoch milliseconds. */
  now: () => number;
  logger: Logger;
  /** Names this sweeper in the lease (e.g. host + invocation id); a random suffix makes each call distinct. */
  holder: string;
  /** Default: config.SWEEP_DRY_RUN. */
  dryRun?: boolean;
  /** Upstream calls in flight at once (default 4). */
  concurrency?: number;
  /** Lease TTL; renewed every third of it while sweeping (default 5 minutes). */
  leaseTtlMs?: number;
  /** Attempts per upstream call, first included (default 8); the SDK makes the retries. */
  maxAttempts?: number;
}

/** Threads and assistants first: deleting them frees the files and vector stores they referenced. */
const STEPS: ReadonlyArray<[SweepKind, (ctx: SweepContext) => Promise<void>]> = [
  ['threads', sweepThreads],
  ['assistants', sweepAssistants],
  ['vector_stores', sweepVectorStores],
  ['files', sweepFiles],
  ['ledger', sweepLedger],
];

export async function runSweep(deps: SweepDeps): Promise<SweepSummary> {
  const dryRun = deps.dryRun ?? deps.config.SWEEP_DRY_RUN;
  const summary = new SummaryBuilder(dryRun, new Date(deps.now()));
  const holder = `${deps.holder}#${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ sweep: holder, dryRun });

  const lease = await acquireSweepLease(deps.ledger, {
    name: SWEEP_LEASE_NAME,
    holder,
    ttlMs: deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    now: deps.now,
    logger,
  });
  if (!lease) {
    logger.info('sweep skipped: another sweep holds the lease');
    return summary.build(new Date(deps.now()), false);
  }

  try {
    const ctx = createSweepContext({
      client: deps.client,
      ledger: deps.ledger,
      config: deps.config,
      definedKeys: new Set(deps.definedAssistantKeys),
      now: deps.now,
      logger,
      dryRun,
      concurrency: deps.concurrency ?? 4,
      requestOptions: { maxRetries: (deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1 },
      summary,
      budget: new DeletionBudget(deps.config.SWEEP_MAX_DELETIONS),
      lease,
    });
    for (const [kind, step] of STEPS) {
      if (lease.lost) {
        // Says why the sweep is incomplete; the lease's new holder or the next firing does the rest.
        summary.stepFailed(kind, '*', new Error('sweep lease lost; left for the next sweep'));
        break;
      }
      try {
        await step(ctx);
      } catch (error) {
        // A failed listing leaves this kind for the next firing; later kinds still run, and a step that
        // needs what failed (e.g. the assistants listing, to know what files are used) fails likewise.
        logger.error('sweep step failed', { kind, error });
        summary.stepFailed(kind, '*', error);
      }
    }
  } finally {
    await lease.release();
  }

  const result = summary.build(new Date(deps.now()));
  logger.info('sweep finished', { complete: result.complete, startedAt: result.startedAt, finishedAt: result.finishedAt, kinds: result.kinds, errors: result.errors.length });
  return result;
}
