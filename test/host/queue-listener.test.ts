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

describe('queue listener leases', () => {
  function capture(): { lines: string[]; log: (level: string, message: string) => void } {
    const lines: string[] = [];
    return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
  }

  it('receives messages with the 10-minute lease by default', async () => {
    const queue = await freshQueue();
    const seen: QueueMessage[] = [];
    listen(queue, {}, async (m) => void seen.push(m));
    const before = Date.now();
    await queue.sendMessage('default lease');
    const message = await waitFor(() => seen.at(0), 'the message');
    expect(message.nextVisibleOn.getTime() - before).toBeGreaterThan(590_000);
    expect(message.nextVisibleOn.getTime() - before).toBeLessThan(620_000);
  });

  it('stops renewing once the message is gone and completes without failing (the invocation carries on)', async () => {
    const queue = await freshQueue();
    const { lines, log } = capture();
    let handled = 0;
    const listener = new QueueListener({
      queue,
      options: { ...parseHostJson({}).queues, maxPollingIntervalMs: 500, messageEncoding: 'none' },
      leaseSeconds: 1,
      log,
      process: async (m) => {
        if (m.text === 'deleted under me') {
          // Someone else deletes the message (e.g. a second host after a lost lease): renewals now get 404.
          await queue.deleteMessage(m.id, m.popReceipt);
          await new Promise((resolve) => setTimeout(resolve, 3_000));
        }
        handled++;
      },
    });
    listeners.push(listener);
    listener.start();
    await queue.sendMessage('deleted under me');
    await waitFor(() => handled === 1, 'the first invocation to end', 20_000);
    // The listener is still serving.
    await queue.sendMessage('next');
    await waitFor(() => handled === 2, 'the next message', 20_000);
    const renewals = lines.filter((l) => l.includes('Renewing message'));
    expect(renewals).toHaveLength(1);
    expect(renewals[0]).toMatch(/^warning: Renewing message '.+' stopped: the message or the queue was not found/);
    expect(lines.filter((l) => l.startsWith('warning: Completing') || l.startsWith('error'))).toEqual([]);
  }, 40_000);

  it('follows a pop receipt changed by the handler as lost ownership, not as a failure', async () => {
    const queue = await freshQueue();
    const { lines, log } = capture();
    let done = false;
    const listener = new QueueListener({
      queue,
      options: { ...parseHostJson({}).queues, maxPollingIntervalMs: 500, messageEncoding: 'none' },
      leaseSeconds: 2,
      log,
      process: async (m) => {
        // The function itself updates its message: the host's pop receipt no longer matches.
        await queue.updateMessage(m.id, m.popReceipt, undefined, 30);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        done = true;
      },
    });
    listeners.push(listener);
    listener.start();
    await queue.sendMessage('updated under me');
    await waitFor(() => done, 'the invocation', 20_000);
    await waitFor(() => lines.some((l) => l.startsWith('debug: Unable to delete')), 'the completion', 10_000);
    expect(lines.filter((l) => l.includes('Renewing message'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('warning: Completing') || l.startsWith('error'))).toEqual([]);
  }, 40_000);

  it('retries a renewal that fails transiently (5xx) sooner and keeps the message', async () => {
    const queue = await freshQueue();
    const { lines, log } = capture();
    let renewals = 0;
    const flaky = new Proxy(queue, {
      get(target, property, receiver) {
        if (property === 'updateMessage') {
          return (...args: Parameters<QueueClient['updateMessage']>) => {
            // The first renewal meets a storage outage.
            if (++renewals === 1) return Promise.reject(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }));
            return target.updateMessage(...args);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    let runs = 0;
    const listener = new QueueListener({
      queue: flaky,
      options: { ...parseHostJson({}).queues, maxPollingIntervalMs: 500, messageEncoding: 'none' },
      leaseSeconds: 2,
      log,
      process: async () => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      },
    });
    listeners.push(listener);
    listener.start();
    await queue.sendMessage('outage during renewal');
    await waitFor(async () => runs === 1 && (await queue.getProperties()).approximateMessagesCount === 0, 'the message to be deleted', 20_000);
    expect(runs).toBe(1);
    expect(lines.filter((l) => l.includes('failed (retrying)'))).toHaveLength(1);
    // Normal renewals every 1 s; the retry after the failure came at 0.5 s, so at least three attempts in 3 s.
    expect(renewals).toBeGreaterThanOrEqual(3);
  }, 40_000);
});
