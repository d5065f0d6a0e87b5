// The scheduled cleanup: one sweep under a storage lease, kinds in dependency order, a cap on deletions.
// Nothing is remembered between sweeps: what to delete is read afresh from upstream and the ledger each
// time, so a sweep cut short (cap, lost lease, crash) is simply continued by the next firing.
import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { Logger } from '../logging';
import { createSweepContext, type SweepConfig, type SweepLedger } from './context';
import { DeletionBudget } from './deletion-budget';
import { acquireSweepLease, DEFAULT_LEASE_TTL_MS, SWEEP_LEASE_NAME } from './lease';
import { DEFAULT_MAX_ATTEMPTS } from './upstream-calls';
import { SummaryBuilder, type SweepSummary } from './summary';
import { kindsFor, targetsFor } from './targets';
import type { UpstreamProtocol } from '../upstream/port';

export interface SweepDeps {
  client: OpenAI;
  /** The protocol `client` speaks (config.protocol): it chooses the targets (targets/index.ts). */
  protocol: UpstreamProtocol;
  /** Threads, runs, the lease, and which upstream files are ours (its Files table). */
  ledger: SweepLedger;
  config: SweepConfig;
  /** Keys of the assistants defined in assistants/*.json; ours with other keys are deleted. */
  definedAssistantKeys: string[];
  /**
   * Responses: the names the current definitions' data files are uploaded under (uploadedDataFileNames in
   * src/assistants/data-files.ts). Without it, every data file of ours is kept.
   */
  dataFileNames?: () => Promise<readonly string[]>;
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

export async function runSweep(deps: SweepDeps): Promise<SweepSummary> {
  const dryRun = deps.dryRun ?? deps.config.SWEEP_DRY_RUN;
  const summary = new SummaryBuilder(dryRun, new Date(deps.now()), kindsFor(deps.protocol));
  const holder = `${deps.holder}#${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ sweep: holder, dryRun, protocol: deps.protocol });

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
      ...(deps.dataFileNames ? { dataFileNames: memoSet(deps.dataFileNames) } : {}),
      now: deps.now,
      logger,
      dryRun,
      concurrency: deps.concurrency ?? 4,
      requestOptions: { maxRetries: (deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1 },
      summary,
      budget: new DeletionBudget(deps.config.SWEEP_MAX_DELETIONS),
      lease,
    });
    for (const target of targetsFor(deps.protocol)) {
      const kind = target.kinds[0];
      if (lease.lost) {
        // Says why the sweep is incomplete; the lease's new holder or the next firing does the rest.
        summary.stepFailed(kind, '*', new Error('sweep lease lost; left for the next sweep'));
        break;
      }
      try {
        await target.run(ctx);
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

/** Read once per sweep, when a step first asks. */
function memoSet(load: () => Promise<readonly string[]>): () => Promise<ReadonlySet<string>> {
  let names: Promise<ReadonlySet<string>> | undefined;
  return () => (names ??= load().then((list) => new Set(list)));
}
