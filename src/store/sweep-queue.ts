// The sweep queue (SWEEP_QUEUE_NAME): POST /api/maintenance/sweep enqueues `{sweepId}` (src/sweep/request-facts.ts)
// and the queue-triggered sweep worker runs it, so a sweep never runs inside an HTTP request (Azure cuts those at
// 230 s, and work after the response is not guaranteed to finish). JSON, base64-encoded like the run queue.
import type { Config } from '../config';
import { sweepQueueMessageSchema, type SweepQueueMessage } from '../sweep/request-facts';
import type { StorageClients } from './storage-clients';
import { createOnce } from './create-once';

export interface SweepQueue {
  readonly name: string;
  send(message: SweepQueueMessage): Promise<void>;
}

export function encodeSweepQueueMessage(message: SweepQueueMessage): string {
  return Buffer.from(JSON.stringify(sweepQueueMessageSchema.parse(message)), 'utf8').toString('base64');
}

/** `options.queueName` writes another queue with the same encoding, e.g. `<SWEEP_QUEUE_NAME>-poison` in tests. */
export function createSweepQueue(config: Pick<Config, 'SWEEP_QUEUE_NAME'>, clients: Pick<StorageClients, 'queueService'>, options: { queueName?: string } = {}): SweepQueue {
  const name = options.queueName ?? config.SWEEP_QUEUE_NAME;
  const client = clients.queueService.getQueueClient(name);
  return {
    name,
    async send(message) {
      await createOnce(`queue:${client.url}`, () => client.createIfNotExists());
      await client.sendMessage(encodeSweepQueueMessage(message));
    },
  };
}
