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
