// Queue trigger: follows one run per message (see src/runs/worker.ts). A throw lets the host
// retry the message and, after maxDequeueCount, move it to the poison queue.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { processRunMessage } from '../runs/worker';
import { parseQueuedRunMessage } from '../runs/run-facts';
import { getConfig, getRuntime, workerDeps } from '../runtime';
import { traceDelivery } from '../telemetry';

app.storageQueue('runWorker', {
  queueName: getConfig().RUN_QUEUE_NAME,
  connection: 'AzureWebJobsStorage',
  handler: async (queued: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const message = parseQueuedRunMessage(queued);
    const delivery = { queueName: runtime.queue.name, message, invocationId: context.invocationId, hostTraceContext: context.traceContext, triggerMetadata: context.triggerMetadata, now: runtime.now };
    await traceDelivery(delivery, async () => {
      const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { threadId: message.threadId, runId: message.runId, dequeueCount: context.triggerMetadata?.dequeueCount });
      const result = await processRunMessage(workerDeps(runtime, logger), message);
      logger.info('run message processed', { ...result });
    });
  },
});
