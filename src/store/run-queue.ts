// The run queue: the HTTP layer enqueues `{threadId, runId, generation}` (src/runs/run-facts.ts); the
// queue-triggered worker follows the run. Messages are JSON, base64-encoded, because that is the Functions
// host's default queue messageEncoding.
import type { QueueClient } from '@azure/storage-queue';
import type { Config } from '../config';
import { runQueueMessageSchema, type RunQueueMessage } from '../runs/run-facts';
import type { StorageClients } from './storage-clients';
import { createOnce } from './create-once';

export type { RunQueueMessage };

export interface ReceivedRunQueueMessage {
  message: RunQueueMessage;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
}

export interface RunQueue {
  readonly name: string;
  send(message: RunQueueMessage, opts?: { visibilityDelaySeconds?: number }): Promise<void>;
  /** Up to 32 visible messages (the service's peek limit), left on the queue. */
  peekAll(): Promise<RunQueueMessage[]>;
  /** Dequeues up to `max` (1-32) messages, hiding them for `visibilityTimeoutSeconds` (default 30). */
  receive(opts?: { max?: number; visibilityTimeoutSeconds?: number }): Promise<ReceivedRunQueueMessage[]>;
  delete(received: Pick<ReceivedRunQueueMessage, 'messageId' | 'popReceipt'>): Promise<void>;
}

/** The longest delay the service accepts for a new message (7 days). */
const MAX_VISIBILITY_DELAY_SECONDS = 7 * 24 * 3600;

export function encodeRunQueueMessage(message: RunQueueMessage): string {
  return Buffer.from(JSON.stringify(runQueueMessageSchema.parse(message)), 'utf8').toString('base64');
}

export function decodeRunQueueMessage(text: string): RunQueueMessage {
  return runQueueMessageSchema.parse(JSON.parse(Buffer.from(text, 'base64').toString('utf8')));
}

/** `options.queueName` reads another queue with the same encoding, e.g. `<RUN_QUEUE_NAME>-poison`. */
export function createRunQueue(
  config: Pick<Config, 'RUN_QUEUE_NAME'>,
  clients: Pick<StorageClients, 'queueService'>,
  options: { queueName?: string } = {},
): RunQueue {
  const name = options.queueName ?? config.RUN_QUEUE_NAME;
  const client = clients.queueService.getQueueClient(name);
  const ready = async (): Promise<QueueClient> => {
    await createOnce(`queue:${client.url}`, () => client.createIfNotExists());
    return client;
  };

  return {
    name,
    async send(message, opts = {}) {
      const text = encodeRunQueueMessage(message);
      const delay = Math.max(0, Math.min(MAX_VISIBILITY_DELAY_SECONDS, Math.ceil(opts.visibilityDelaySeconds ?? 0)));
      await (await ready()).sendMessage(text, delay > 0 ? { visibilityTimeout: delay } : {});
    },
    async peekAll() {
      const response = await (await ready()).peekMessages({ numberOfMessages: 32 });
      return response.peekedMessageItems.map((item) => decodeRunQueueMessage(item.messageText));
    },
    async receive(opts = {}) {
      const response = await (await ready()).receiveMessages({
        numberOfMessages: Math.max(1, Math.min(32, opts.max ?? 32)),
        visibilityTimeout: opts.visibilityTimeoutSeconds ?? 30,
      });
      return response.receivedMessageItems.map((item) => ({
        message: decodeRunQueueMessage(item.messageText),
        messageId: item.messageId,
        popReceipt: item.popReceipt,
        dequeueCount: item.dequeueCount,
      }));
    },
    async delete(received) {
      await (await ready()).deleteMessage(received.messageId, received.popReceipt);
    },
  };
}
