// Builds the worker's dependencies from the process runtime and the invocation's logger.
import type { Logger } from '../logging';
import type { Runtime } from '../runtime';
import type { RunDeps } from './ports';

/** A claim older than twice the longest a tool may run belongs to a worker that died. */


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
    staleClaimMs: 2 * runtime.config.TOOL_TIMEOUT,
  };
}
