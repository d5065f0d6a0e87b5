// Poison-queue trigger: a run message that kept failing marks its run failed with a reason the frontend can show.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { processPoisonedRunMessage } from '../runs/poison';
import { parseQueuedRunMessage } from '../runs/run-facts';
import { getConfig, getRuntime, workerDeps } from '../runtime';
import { traceDelivery } from '../telemetry';

app.storageQueue('runPoison', {
  queueName: `${getConfig().RUN_QUEUE_NAME}-poison`,
  connection: 'AzureWebJobsStorage',
  handler: async (queued: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const message = parseQueuedRunMessage(queued);
    const delivery = { queueName: `${runtime.queue.name}-poison`, message, invocationId: context.invocationId, hostTraceContext: context.traceContext, triggerMetadata: context.triggerMetadata, now: runtime.now };
    await traceDelivery(delivery, async () => {
      const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { threadId: message.threadId, runId: message.runId });
      const outcome = await processPoisonedRunMessage(workerDeps(runtime, logger), message);
      logger.warn('poisoned run message handled', { outcome });
    });
  },
});
