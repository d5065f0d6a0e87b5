// HTTP streaming mode (app.setup({ enableHttpStream: true })): requests go through the library's own HTTP
// server, and responses reach the client chunk by chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { startFixtureHost } from './helpers';

let host: RunningFunctionsHost;

beforeAll(async () => {
  // No keys configured: like Core Tools, function-level routes are then open.
  host = await startFixtureHost('host-app-stream', { FUNCTIONS_DEFAULT_KEY: '', FUNCTIONS_MASTER_KEY: '' });
});
afterAll(async () => {
  await host?.close();
});

describe('HTTP streaming', () => {
  it('delivers Server-Sent Events incrementally', async () => {
    const res = await fetch(`${host.baseUrl}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('data: one\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    // The handler is still blocked before its second event: the first one was flushed on its own.
    expect(received).toBe('data: one\n\n');
    expect((await fetch(`${host.baseUrl}/release`, { method: 'POST' })).status).toBe(204);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toBe('data: one\n\ndata: two\n\n');
  });

  it('gives the handler the request body, headers, query, route parameters and URL', async () => {
    const res = await fetch(`${host.baseUrl}/echo/17?q=z`, { method: 'POST', headers: { 'x-test': 'hi' }, body: 'payload' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ms-invocation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ id: '17', body: 'payload', header: 'hi', q: 'z', url: `${host.baseUrl}/echo/17?q=z` });
  });

  it('answers 200 with no body when the handler returns nothing', async () => {
    const res = await fetch(`${host.baseUrl}/nothing`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('HTTP streaming within the platform limits', () => {
  let tight: RunningFunctionsHost;
  beforeAll(async () => {
    tight = await startFixtureHost('host-app-stream', { FUNCTIONS_DEFAULT_KEY: '', FUNCTIONS_MASTER_KEY: '', FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1024', LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    await tight?.close();
  });

  it('refuses bodies over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT with 413, declared or streamed', async () => {
    const declared = await fetch(`${tight.baseUrl}/echo/1`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'request_body_too_large' } });
    const chunks = [new Uint8Array(800), new Uint8Array(800)];
    const body = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
    const streamed = await fetch(`${tight.baseUrl}/echo/2`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: 'request_body_too_large' } });
    const fits = await fetch(`${tight.baseUrl}/echo/3`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(fits.status).toBe(200);
  });

  it('cuts a started stream that stays silent for the response timeout (the load balancer’s idle cut)', async () => {
    const res = await fetch(`${tight.baseUrl}/events`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    let cut = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      cut = true;
    }
    // The first event arrived; then the connection was dropped before the handler sent its second one.
    expect(received).toBe('data: one\n\n');
    expect(cut).toBe(true);
    await fetch(`${tight.baseUrl}/release`, { method: 'POST' });
  });
});
