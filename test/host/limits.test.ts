// Platform limits the local host enforces like Azure: host.json functionTimeout (a timed-out invocation is a
// failure), the front end's response timeout (230 s; 1 s here through LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS),
// the request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT) and the host's own answers in the error envelope.
import net from 'node:net';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { useAzurite } from '../support/azurite';
import { logMatches, startFixtureHost, waitFor } from './helpers';

const azurite = useAzurite();
let host: RunningFunctionsHost;
let tight: RunningFunctionsHost;
let queues: QueueServiceClient;
const suffix = Date.now().toString(36);
const queue = (name: string) => `${name}-${suffix}`;

beforeAll(async () => {
  const storage = azurite.current.connectionString;
  queues = QueueServiceClient.fromConnectionString(storage);
  [host, tight] = await Promise.all([
    startFixtureHost('host-app-limits', {
      AzureWebJobsStorage: storage,
      SLOW_QUEUE: queue('slow'),
      STUCK_QUEUE: queue('stuck'),
      DONE_QUEUE: queue('done'),
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '10',
    }),
    startFixtureHost('host-app-limits', {
      AzureWebJobsStorage: storage,
      SLOW_QUEUE: queue('tight-slow'),
      STUCK_QUEUE: queue('tight-stuck'),
      DONE_QUEUE: queue('tight-done'),
      LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS: '1',
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1024',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([host?.close(), tight?.close()]);
});

async function peekAll(name: string): Promise<string[]> {
  const client = queues.getQueueClient(name);
  if (!(await client.exists())) return [];
  return (await client.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
}

const envelope = expect.objectContaining({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });

describe('functionTimeout (host.json)', () => {
  it('fails a queue invocation that runs past it: the message is retried, and the late result is discarded', async () => {
    await queues.getQueueClient(queue('slow')).sendMessage('job-1');
    const done = await waitFor(async () => (await peekAll(queue('done'))).at(0), 'the retried message to complete', 30_000);
    expect(done).toBe('done job-1 on attempt 2');
    expect(host.logs()).toMatch(/Timeout value of 00:00:02 exceeded by function 'Functions\.slow-first' \(Id: '[0-9a-f-]{36}'\)\. Initiating cancellation\./);
    expect(host.logs()).toMatch(/Executed 'Functions\.slow-first' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)\nResult: Failure\nException: FunctionTimeoutException: Timeout value of 00:00:02 was exceeded by function: Functions\.slow-first/);
    // The first attempt finishes later on its own; what it produced does not reach the output queue.
    await waitFor(() => host.logs().includes('finished after its timeout; its result was discarded'), 'the late first attempt', 10_000);
    expect(await peekAll(queue('done'))).toEqual(['done job-1 on attempt 2']);
  }, 45_000);

  it('counts every timeout as a failed attempt, so a message that always times out ends in the poison queue', async () => {
    await queues.getQueueClient(queue('stuck')).sendMessage('stuck-1');
    const poisoned = await waitFor(async () => (await peekAll(`${queue('stuck')}-poison`)).at(0), 'the poison queue', 30_000);
    expect(poisoned).toBe('stuck-1');
    expect(logMatches(host, /always-slow attempt dequeueCount=(\d+)/).map((m) => Number(m[1]))).toEqual([1, 2]);
  }, 45_000);

  it('answers a timed-out HTTP invocation with the host’s empty 500', async () => {
    const started = Date.now();
    const res = await fetch(`${host.baseUrl}/sleep?ms=5000`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(host.logs()).toContain("exceeded by function 'Functions.sleep'");
  });
});

describe('HTTP response timeout (230 s in Azure)', () => {
  it('answers 502 when the response has not started in time; the function runs on', async () => {
    const res = await fetch(`${tight.baseUrl}/sleep?ms=1800`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: { code: 'response_timeout', message: expect.stringContaining('1 s') } });
    await waitFor(() => tight.logs().includes('slept 1800 ms'), 'the function to finish anyway', 10_000);
  });

  it('lets a response that starts in time through', async () => {
    const res = await fetch(`${tight.baseUrl}/sleep?ms=100`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slept 100');
  });
});

describe('request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB by default)', () => {
  it('refuses a body over the limit with 413 before the function runs', async () => {
    const res = await fetch(`${tight.baseUrl}/size`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'request_body_too_large', message: expect.stringContaining('1024 bytes') } });
    expect(tight.logs()).not.toContain("Executing 'Functions.size'");
  });

  it('refuses a body without a length once it grows past the limit', async () => {
    const chunks = [new Uint8Array(800), new Uint8Array(800)];
    const body = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
    const res = await fetch(`${tight.baseUrl}/size`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(envelope);
  });

  it('accepts a body at the limit', async () => {
    const res = await fetch(`${tight.baseUrl}/size`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: 1024 });
  });
});

/** Sends raw bytes and returns the whole answer (the host closes the connection after these errors). */
function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseAnswer(answer: string): { status: number; body: unknown } {
  const [head, body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), body: JSON.parse(body) };
}

describe('answers of the host itself, in the error envelope', () => {
  it('404 for a path no function answers', async () => {
    const res = await fetch(`${host.baseUrl}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No function answers GET /api/nothing-here.' } });
  });

  it('400 for a request the HTTP parser rejects', async () => {
    const answer = parseAnswer(await raw(host.url, 'THIS IS NOT HTTP\r\n\r\n'));
    expect(answer).toEqual({ status: 400, body: { error: { code: 'bad_request', message: expect.any(String) } } });
  });

  it('431 for headers over 32 KB', async () => {
    const answer = parseAnswer(await raw(host.url, `GET /api/sleep HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`));
    expect(answer).toEqual({ status: 431, body: { error: { code: 'request_header_fields_too_large', message: expect.any(String) } } });
  });

  it('still accepts headers under 32 KB (Kestrel’s limit, above Node’s default 16 KB)', async () => {
    const res = await fetch(`${host.baseUrl}/sleep?ms=1`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(res.status).toBe(200);
  });
});
