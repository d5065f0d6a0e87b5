// Timer trigger: the run reconciler (RECONCILE_SCHEDULE, default every minute), see src/runs/reconcile.ts.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { reconcileRuns } from '../runs/reconcile';
import { getConfig, getRuntime, reconcileDeps } from '../runtime';

app.timer('reconciler', {
  schedule: getConfig().RECONCILE_SCHEDULE,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'reconcile' });
    const summary = await reconcileRuns(reconcileDeps(runtime, logger));
    if (summary.requeued + summary.failed + summary.expired + summary.threadsFreed + summary.errors > 0) logger.info('reconcile finished', { ...summary });
  },
});
