// Builds the worker's dependencies from the process runtime and the invocation's logger.
import type { Logger } from '../logging';
import type { Runtime } from '../runtime';
import type { RunDeps } from './ports';

/** A claim older than the longest a tool may run, plus a margin, belongs to a worker that died. */
const CLAIM_MARGIN_MS = 15_000;

export function workerDeps(runtime: Runtime, logger: Logger): RunDeps {
  return {
    client: runtime.upstream,
    ledger: runtime.ledger,
    tools: runtime.tools,
    queue: runtime.queue,
    logger,
    deploymentId: runtime.config.DEPLOYMENT_ID,
    now: Date.now,
    followBudgetMs: runtime.config.RUN_FOLLOW_BUDGET,
    recheckIntervalMs: runtime.config.RUN_RECHECK_INTERVAL,
    staleClaimMs: runtime.config.TOOL_TIMEOUT + CLAIM_MARGIN_MS,
  };
}
