// Queue trigger: follows one run per message (see src/runs/worker.ts). A throw lets the host
// retry the message and, after maxDequeueCount, move it to the poison queue.
import { app, type InvocationContext } from '@azure/functions';
import { loggerFromContext } from '../logging';
import { processRunMessage } from '../runs/worker';
import { parseQueuedRunMessage } from '../runs/run-facts';
import { getConfig, getRuntime, workerDeps } from '../runtime';

app.storageQueue('runWorker', {
  queueName: getConfig().RUN_QUEUE_NAME,
  connection: 'AzureWebJobsStorage',
  handler: async (queued: unknown, context: InvocationContext) => {
    const runtime = await getRuntime();
    const message = parseQueuedRunMessage(queued);
    const logger = loggerFromContext(context, runtime.config.LOG_LEVEL, { threadId: message.threadId, runId: message.runId, dequeueCount: context.triggerMetadata?.dequeueCount });
    const result = await processRunMessage(workerDeps(runtime, logger), message);
    logger.info('run message processed', { ...result });
  },
});
