// Timer triggers of the run reconciler, see src/runs/reconcile.ts: the lease pass (LEASE_RECONCILE_SCHEDULE, default
// every 10 s: runs whose follower stopped renewing its lease) and the full pass (RECONCILE_SCHEDULE, default every
// minute: runs without a lease that stopped changing, and wedged threads).
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { reconcileLapsedLeases, reconcileRuns, type ReconcileSummary } from '../runs/reconcile';
import { getConfig, getRuntime, reconcileDeps } from '../runtime';

function reconcileTimer(pass: typeof reconcileRuns, job: string) {
  return async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job });
    const summary: ReconcileSummary = await pass(reconcileDeps(runtime, logger));
    if (summary.requeued + summary.failed + summary.expired + summary.threadsFreed + summary.errors > 0) logger.info('reconcile finished', { ...summary });
  };
}

app.timer('reconciler', { schedule: getConfig().RECONCILE_SCHEDULE, handler: reconcileTimer(reconcileRuns, 'reconcile') });
app.timer('leaseReconciler', { schedule: getConfig().LEASE_RECONCILE_SCHEDULE, handler: reconcileTimer(reconcileLapsedLeases, 'reconcile-leases') });
