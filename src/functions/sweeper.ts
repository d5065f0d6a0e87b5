// Timer trigger: the scheduled cleanup sweep (SWEEP_SCHEDULE, default hourly). One sweep at a time: a storage
// lease makes overlapping firings (or a manual `npm run sweep`) skip rather than delete twice.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { formatSweepSummary, runSweep } from '../sweep';
import { getConfig, getRuntime, sweepDeps } from '../runtime';
import { recordSweep } from '../telemetry';

app.timer('sweeper', {
  schedule: getConfig().SWEEP_SCHEDULE,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'sweep' });
    const summary = await runSweep(sweepDeps(runtime, logger, `timer@${context.invocationId}`));
    recordSweep(summary);
    logger.info('sweep finished', { summary: formatSweepSummary(summary) });
  },
});
