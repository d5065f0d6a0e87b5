// Storage queue triggers and output bindings through the host, on Azurite, with the fixture's host.json:
// maxDequeueCount 2, visibilityTimeout 00:00:02, maxPollingInterval 00:00:01, messageEncoding base64.
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { useAzurite } from '../support/azurite';
import { logMatches, startFixtureHost, waitFor } from './helpers';

const azurite = useAzurite();
let host: RunningFunctionsHost;
let plainHost: RunningFunctionsHost;
let queues: QueueServiceClient;

beforeAll(async () => {
  const storage = azurite.current.connectionString;
  queues = QueueServiceClient.fromConnectionString(storage);
  [host, plainHost] = await Promise.all([
    // A 3 s lease (instead of 10 minutes) so that a message left invisible after a failure comes back quickly.
    startFixtureHost('host-app-queue', { AzureWebJobsStorage: storage, FixtureStorage: storage, FAIL_QUEUE: 'always-failing', LOCAL_HOST_QUEUE_LEASE_SECONDS: '3' }),
    startFixtureHost('host-app-queue-plain', { AzureWebJobsStorage: storage }),
  ]);
});
afterAll(async () => {
  await Promise.all([host?.close(), plainHost?.close()]);
});

const base64 = (text: string) => Buffer.from(text).toString('base64');
const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

interface Echo {
  received: unknown;
  type: string;
  metadata: Record<string, unknown>;
}

/** The echo function's outputs so far, once there is one matching `wanted`. */
function echoWhere(wanted: (echo: Echo) => boolean): Promise<Echo> {
  return waitFor(async () => {
    const echoes = (await messagesOn('echo-out', 1)).map((text) => JSON.parse(fromBase64(text)) as Echo);
    return echoes.find(wanted);
  }, 'the echo output');
}

/** Waits until `queue` holds `count` messages and returns their texts. */
async function messagesOn(queue: string, count: number): Promise<string[]> {
  const client = queues.getQueueClient(queue);
  return waitFor(async () => {
    if (!(await client.exists())) return undefined;
    const peeked = await client.peekMessages({ numberOfMessages: 32 });
    return peeked.peekedMessageItems.length >= count && peeked.peekedMessageItems.map((m) => m.messageText);
  }, `${count} message(s) on ${queue}`);
}

describe('queue trigger retries', () => {
  it('retries a failing message after visibilityTimeout, then moves it to <queue>-poison after maxDequeueCount', async () => {
    const original = base64(JSON.stringify({ job: 'doomed' }));
    await queues.getQueueClient('always-failing').sendMessage(original);

    const poisoned = await messagesOn('always-failing-poison', 1);
    expect(poisoned).toEqual([original]);
    const attemptLine = /\[always-fails\] \[[0-9a-f-]{36}\] attempt dequeueCount=(\d+) at=(\d+)/;
    await waitFor(() => logMatches(host, attemptLine).length >= 2, 'both attempts in the log');
    const attempts = logMatches(host, attemptLine);
    expect(attempts.map((m) => Number(m[1]))).toEqual([1, 2]);
    // The failed message stayed invisible for visibilityTimeout (2 s) before its retry.
    expect(Number(attempts[1]![2]) - Number(attempts[0]![2])).toBeGreaterThanOrEqual(1_950);
    expect(host.logs()).toContain("Message has reached MaxDequeueCount of 2. Moving message to queue 'always-failing-poison'.");
    expect((await queues.getQueueClient('always-failing').peekMessages()).peekedMessageItems).toEqual([]);
    expect(host.logs()).toContain('cannot handle {"job":"doomed"}');
  });
});

describe('a queue that is itself a poison queue', () => {
  it('has no poison queue: a failure leaves the message invisible for its lease, and past maxDequeueCount it is skipped, never invoked again', async () => {
    const doomed = queues.getQueueClient('doomed-poison');
    const sent = await doomed.sendMessage(base64('{"job":"twice doomed"}'));
    const attemptLine = /\[poison-handler-fails\] \[[0-9a-f-]{36}\] poison attempt dequeueCount=(\d+) at=(\d+)/;
    // Received a third time (dequeueCount 3 > maxDequeueCount 2): skipped.
    await waitFor(() => host.logs().includes(`Queue 'doomed-poison' has no poison queue: message '${sent.messageId}' is left in the queue`), 'the skip', 30_000);
    const attempts = logMatches(host, attemptLine);
    expect(attempts.map((m) => Number(m[1]))).toEqual([1, 2]);
    // Not released after visibilityTimeout (2 s): it stayed invisible for the rest of its 3 s lease.
    expect(Number(attempts[1]![2]) - Number(attempts[0]![2])).toBeGreaterThanOrEqual(2_900);
    // Still in the queue, and nothing was moved anywhere.
    const left = await waitFor(async () => (await doomed.peekMessages()).peekedMessageItems.at(0), 'the message to be visible again', 10_000);
    expect(left.messageId).toBe(sent.messageId);
    expect(left.dequeueCount).toBeGreaterThanOrEqual(3);
    expect(await queues.getQueueClient('doomed-poison-poison').exists()).toBe(false);
    expect(logMatches(host, attemptLine)).toHaveLength(2);
  }, 45_000);
});

describe('queue trigger input and output bindings', () => {
  it('decodes base64, parses JSON, passes trigger metadata and writes output bindings', async () => {
    const sent = await queues.getQueueClient('echo-in').sendMessage(base64(JSON.stringify({ hello: 'world' })));
    const body = await echoWhere((e) => (e.received as { hello?: string }).hello === 'world');
    expect(body.type).toBe('object');
    expect(body.metadata).toMatchObject({ id: sent.messageId, dequeueCount: 1, insertionTime: sent.insertedOn.toISOString(), expirationTime: sent.expiresOn.toISOString() });
    expect(typeof body.metadata.popReceipt).toBe('string');
    expect(Date.parse(body.metadata.nextVisibleTime as string)).toBeGreaterThan(Date.parse(body.metadata.insertionTime as string));
    // The return value (an array) went to the return binding's queue, one message per element.
    expect((await messagesOn('echo-return', 2)).map(fromBase64).sort()).toEqual(['first', 'second']);
  });

  it('passes non-JSON messages as strings; moves messages that are not base64 to the poison queue', async () => {
    await queues.getQueueClient('echo-in').sendMessage(base64('plain words'));
    await queues.getQueueClient('echo-in').sendMessage('not base64!');
    expect((await echoWhere((e) => e.received === 'plain words')).type).toBe('string');
    expect(await messagesOn('echo-in-poison', 1)).toEqual(['not base64!']);
  });

  it('delivers an HTTP function’s queue output binding to a queue trigger', async () => {
    const res = await fetch(`${host.baseUrl}/enqueue`, { method: 'POST', body: JSON.stringify({ from: 'http' }) });
    expect(res.status).toBe(202);
    const echo = await echoWhere((e) => (e.received as { from?: string }).from === 'http');
    expect(echo.type).toBe('object');
  });

  it('reads and writes plain text when messageEncoding is none', async () => {
    await queues.getQueueClient('plain-in').sendMessage('plain text, not base64!');
    expect(await messagesOn('plain-out', 1)).toEqual(['got: plain text, not base64!']);
  });
});
