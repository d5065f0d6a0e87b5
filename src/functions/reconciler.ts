// Timer triggers of the reconcilers, see src/runs/reconcile.ts: the lease pass (LEASE_RECONCILE_SCHEDULE, default
// every 10 s: runs whose follower stopped renewing its lease) and the full pass (RECONCILE_SCHEDULE, default every
// minute: runs without a lease that stopped changing, wedged threads, and requested sweeps whose message was never
// sent or whose worker died, src/sweep/reconcile-requests.ts).
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext, type Logger } from '../logging';
import { reconcileLapsedLeases, reconcileRuns, type ReconcileSummary } from '../runs/reconcile';
import { getConfig, getRuntime, reconcileDeps, sweepReconcileDeps, type Runtime } from '../runtime';
import { reconcileSweepRequests } from '../sweep/reconcile-requests';

async function reconcileRunsPass(pass: typeof reconcileRuns, runtime: Runtime, logger: Logger): Promise<void> {
  const summary: ReconcileSummary = await pass(reconcileDeps(runtime, logger));
  if (summary.requeued + summary.failed + summary.expired + summary.threadsFreed + summary.errors > 0) logger.info('reconcile finished', { ...summary });
}

async function reconcileSweepsPass(runtime: Runtime, logger: Logger): Promise<void> {
  const summary = await reconcileSweepRequests(sweepReconcileDeps(runtime, logger));
  if (summary.resent + summary.abandoned + summary.errors > 0) logger.info('sweep requests reconciled', { ...summary });
}

app.timer('reconciler', {
  schedule: getConfig().RECONCILE_SCHEDULE,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'reconcile' });
    // Independent passes: trouble listing one must not stop the other.
    const passes = await Promise.allSettled([reconcileRunsPass(reconcileRuns, runtime, logger), reconcileSweepsPass(runtime, logger)]);
    for (const pass of passes) if (pass.status === 'rejected') throw pass.reason;
  },
});

app.timer('leaseReconciler', {
  schedule: getConfig().LEASE_RECONCILE_SCHEDULE,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    await reconcileRunsPass(reconcileLapsedLeases, runtime, loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'reconcile-leases' }));
  },
});
