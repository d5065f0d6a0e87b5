import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../src/config';
import { createRunQueue, decodeRunQueueMessage } from '../../../src/store/run-queue';
import { createStorageClients, type StorageClients } from '../../../src/store/storage-clients';
import { useAzurite } from '../../support/azurite';

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('run queue', () => {
  const azurite = useAzurite();
  let config: Config;
  let clients: StorageClients;
  beforeAll(() => {
    config = loadConfig({ AzureWebJobsStorage: azurite.current.connectionString, RUN_QUEUE_NAME: 'runs-test' });
    clients = createStorageClients(config);
  });

  it('creates its queue on first use and writes base64-encoded JSON, as the Functions host expects', async () => {
    const queue = createRunQueue(config, clients);
    await queue.send({ threadId: 'thread_a', runId: 'run_a', generation: 1 });

    const raw = await clients.queueService.getQueueClient('runs-test').peekMessages({ numberOfMessages: 1 });
    const text = raw.peekedMessageItems[0]!.messageText;
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(text, 'base64').toString('utf8'))).toEqual({ threadId: 'thread_a', runId: 'run_a', generation: 1 });
    expect(await queue.peekAll()).toEqual([{ threadId: 'thread_a', runId: 'run_a', generation: 1 }]);

    const [received] = await queue.receive({ max: 1 });
    expect(received).toMatchObject({ message: { runId: 'run_a' }, dequeueCount: 1 });
    await queue.delete(received!);
    expect(await queue.peekAll()).toEqual([]);
  });

  it('holds delayed messages back until their delay passes', async () => {
    const queue = createRunQueue(config, clients, { queueName: 'runs-delay' });
    await queue.send({ threadId: 'thread_b', runId: 'run_later', generation: 2 }, { visibilityDelaySeconds: 3600 });
    await queue.send({ threadId: 'thread_b', runId: 'run_soon', generation: 2 }, { visibilityDelaySeconds: 2 });
    await queue.send({ threadId: 'thread_b', runId: 'run_now', generation: 1 });

    expect((await queue.peekAll()).map((m) => m.runId)).not.toContain('run_later');
    const soon = await eventually(async () => {
      const ids = (await queue.peekAll()).map((m) => m.runId);
      return ids.includes('run_soon') ? ids : undefined;
    });
    expect(soon).toContain('run_now');
    expect(soon).not.toContain('run_later');
  });

  it('rejects messages that are not the run contract', () => {
    expect(() => decodeRunQueueMessage(Buffer.from('{"threadId":"t"}').toString('base64'))).toThrow();
    expect(() => decodeRunQueueMessage('not base64 json')).toThrow();
  });
});
