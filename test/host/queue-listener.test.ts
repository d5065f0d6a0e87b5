// The queue listener on its own against Azurite: lease renewal, batch sizes and polling backoff.
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHostJson, type QueuesOptions } from '../../local/functions-host/host-json';
import { QueueListener, type QueueMessage } from '../../local/functions-host/queues/listener';
import { useAzurite } from '../support/azurite';
import { waitFor } from './helpers';

const azurite = useAzurite();
const listeners: QueueListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.stop()));
});

let counter = 0;
async function freshQueue(): Promise<QueueClient> {
  const queue = QueueServiceClient.fromConnectionString(azurite.current.connectionString).getQueueClient(`listener-${++counter}-${Date.now()}`);
  await queue.create();
  return queue;
}

function listen(queue: QueueClient, options: Partial<QueuesOptions>, process: (m: QueueMessage) => Promise<void>, extra: { leaseSeconds?: number } = {}): QueueListener {
  const defaults = parseHostJson({}).queues;
  const listener = new QueueListener({
    queue,
    poisonQueue: queue,
    options: { ...defaults, maxPollingIntervalMs: 500, messageEncoding: 'none', ...options },
    process,
    log: () => undefined,
    ...extra,
  });
  listeners.push(listener);
  listener.start();
  return listener;
}

describe('queue listener', () => {
  it('keeps a message invisible while its handler runs longer than the lease', async () => {
    const queue = await freshQueue();
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 4_500));
    };
    // Two listeners stand for two hosts competing for the same queue.
    listen(queue, {}, slow, { leaseSeconds: 2 });
    listen(queue, {}, slow, { leaseSeconds: 2 });
    await queue.sendMessage('long job');
    await waitFor(async () => runs > 1 || (await queue.getProperties()).approximateMessagesCount === 0, 'the message to be deleted (or delivered twice)', 20_000);
    expect(runs).toBe(1);
  }, 40_000);

  it('fetches batchSize messages and a new batch only when in-flight drops to newBatchThreshold', async () => {
    const queue = await freshQueue();
    for (let i = 0; i < 6; i++) await queue.sendMessage(`m${i}`);
    const gates: (() => void)[] = [];
    let running = 0;
    let handled = 0;
    listen(queue, { batchSize: 2, newBatchThreshold: 1 }, async () => {
      running++;
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      handled++;
    });
    await waitFor(() => running === 2, 'the first batch');
    // Above the threshold: no new batch, however long we wait.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(running).toBe(2);
    gates.shift()!();
    // Down to the threshold (1 in flight): a batch of 2 more arrives.
    await waitFor(() => running === 3, 'the second batch');
    while (handled < 6) {
      gates.splice(0).forEach((open) => open());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(handled).toBe(6);
  }, 40_000);

  it('backs off exponentially up to maxPollingInterval while the queue is empty', async () => {
    const queue = await freshQueue();
    let polls = 0;
    const counting = new Proxy(queue, {
      get(target, property, receiver) {
        if (property === 'receiveMessages') {
          return (...args: Parameters<QueueClient['receiveMessages']>) => {
            polls++;
            return target.receiveMessages(...args);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    listen(counting, { maxPollingIntervalMs: 1_000 }, async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // 0, 100, 300, 700, 1500, 2500 ms: six polls at most in 3 s (a fixed 100 ms interval would make ~30).
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(7);
  }, 20_000);
});
