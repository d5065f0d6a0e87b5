// Timer trigger: the run reconciler (RECONCILE_SCHEDULE, default every minute), see src/runs/reconcile.ts, and the
// same for requested sweeps (src/sweep/reconcile-requests.ts).
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { reconcileRuns } from '../runs/reconcile';
import { getConfig, getRuntime, reconcileDeps, sweepReconcileDeps } from '../runtime';
import { reconcileSweepRequests } from '../sweep/reconcile-requests';

app.timer('reconciler', {
  schedule: getConfig().RECONCILE_SCHEDULE,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'reconcile' });
    // Independent passes: trouble listing one must not stop the other.
    const [runs, sweeps] = await Promise.allSettled([reconcileRuns(reconcileDeps(runtime, logger)), reconcileSweepRequests(sweepReconcileDeps(runtime, logger))]);
    if (runs.status === 'fulfilled') {
      const summary = runs.value;
      if (summary.requeued + summary.failed + summary.expired + summary.threadsFreed + summary.errors > 0) logger.info('reconcile finished', { ...summary });
    }
    if (sweeps.status === 'fulfilled' && sweeps.value.resent + sweeps.value.abandoned + sweeps.value.errors > 0) logger.info('sweep requests reconciled', { ...sweeps.value });
    for (const pass of [runs, sweeps]) if (pass.status === 'rejected') throw pass.reason;
  },
});
