// Queue triggers of requested sweeps (POST /api/maintenance/sweep, see src/sweep/run-request.ts): the worker runs
// one sweep per message; a message that kept failing reaches `<SWEEP_QUEUE_NAME>-poison`, whose handler marks the
// request failed. A throw lets the host retry the message.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { formatSweepSummary } from '../sweep';
import { parseSweepQueueMessage } from '../sweep/request-facts';
import { processPoisonedSweepMessage, processSweepMessage } from '../sweep/run-request';
import { getConfig, getRuntime, sweepWorkerDeps } from '../runtime';
import { recordSweep } from '../telemetry';

app.storageQueue('sweepWorker', {
  queueName: getConfig().SWEEP_QUEUE_NAME,
  connection: 'AzureWebJobsStorage',
  handler: async (queued: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const message = parseSweepQueueMessage(queued);
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'sweep', sweepId: message.sweepId, dequeueCount: context.triggerMetadata?.dequeueCount });
    // The queue message id: a redelivery of the same message may take its own claim back.
    const messageId = String(context.triggerMetadata?.id ?? context.invocationId);
    const { outcome, summary } = await processSweepMessage(sweepWorkerDeps(runtime, logger), message, { messageId });
    if (summary) recordSweep(summary);
    logger.info('sweep message processed', { outcome, ...(summary ? { summary: formatSweepSummary(summary) } : {}) });
  },
});

app.storageQueue('sweepPoison', {
  queueName: `${getConfig().SWEEP_QUEUE_NAME}-poison`,
  connection: 'AzureWebJobsStorage',
  handler: async (queued: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const message = parseSweepQueueMessage(queued);
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { job: 'sweep', sweepId: message.sweepId });
    const outcome = await processPoisonedSweepMessage(sweepWorkerDeps(runtime, logger), message);
    logger.warn('poisoned sweep message handled', { outcome });
  },
});
