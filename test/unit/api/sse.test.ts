import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { bindRoute } from '../../../src/api/route';
import { sse } from '../../../src/api/results';
import { routeSpecs } from '../../../src/api/routes';
import { formatSseEvent, lastEventId, sseStream, type SseEvent } from '../../../src/api/sse';
import { devConfig, invoke } from './support';

const decoder = new TextDecoder();

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text;
}

/** A source that yields nothing and ends when its signal fires (then calls `onEnd`). */
function idleUntilAborted(onEnd: () => void = () => undefined) {
  return (signal: AbortSignal): AsyncIterable<SseEvent> => ({
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<SseEvent>>((resolve) =>
          signal.addEventListener('abort', () => {
            onEnd();
            resolve({ done: true, value: undefined });
          }, { once: true }),
        ),
    }),
  });
}

async function* fromArray(events: SseEvent[]): AsyncGenerator<SseEvent> {
  for (const event of events) yield event;
}

describe('SSE framing', () => {
  it('writes id, event and one JSON data line per event', () => {
    expect(formatSseEvent({ id: '7', event: 'run.status', data: { status: 'completed' } })).toBe('id: 7\nevent: run.status\ndata: {"status":"completed"}\n\n');
    expect(formatSseEvent({ data: 'line one\nline two\r\n' })).toBe('data: "line one\\nline two\\r\\n"\n\n');
  });

  it('refuses ids and names that would break the framing', () => {
    expect(() => formatSseEvent({ id: '1\nevent: forged', data: {} })).toThrow(/line breaks/);
    expect(() => formatSseEvent({ event: 'a\rb', data: {} })).toThrow(/line breaks/);
  });

  it('starts with a retry hint, then frames each event, and ends with the source', async () => {
    const text = await readAll(sseStream(() => fromArray([{ id: '1', event: 'a', data: 1 }, { id: '2', event: 'b', data: [2] }]), { retryMs: 1500 }));
    expect(text).toBe('retry: 1500\n\nid: 1\nevent: a\ndata: 1\n\nid: 2\nevent: b\ndata: [2]\n\n');
  });

  it('sends keep-alive comments while the source is idle', async () => {
    async function* slow() {
      await sleep(120);
      yield { id: '1', data: 'late' };
    }
    const text = await readAll(sseStream(slow, { heartbeatMs: 25 }));
    expect(text.match(/^: keep-alive$/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text.endsWith('id: 1\ndata: "late"\n\n')).toBe(true);
  });

  it('on client disconnect aborts the source and stops heartbeats', async () => {
    let seenSignal: AbortSignal | undefined;
    const finished = vi.fn();
    async function* endless(signal: AbortSignal) {
      seenSignal = signal;
      try {
        for (let i = 0; !signal.aborted; i++) {
          yield { id: String(i), data: i };
          await sleep(5);
        }
      } finally {
        finished();
      }
    }
    const stream = sseStream(endless, { heartbeatMs: 5 });
    const reader = stream.getReader();
    await reader.read(); // retry:
    await reader.read(); // first event
    await reader.cancel();
    await vi.waitFor(() => expect(finished).toHaveBeenCalled());
    expect(seenSignal?.aborted).toBe(true);
  });

  it('reports a failing source in-band, generically, and closes', async () => {
    const onError = vi.fn();
    async function* failing() {
      yield { id: '1', data: 'ok' };
      throw new Error('ledger read failed at https://acct.table.core.windows.net/?sig=XYZ');
    }
    const text = await readAll(sseStream(failing, { onError }));
    expect(text).toContain('id: 1\n');
    expect(text).toContain('event: error\ndata: {"error":{"code":"internal_error"');
    expect(text).not.toContain('windows.net');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('ledger read failed') }));
  });

  it('ends after maxDurationMs so the client reconnects before the platform cuts the response', async () => {
    let aborted = false;
    const started = Date.now();
    const text = await readAll(sseStream(idleUntilAborted(() => (aborted = true)), { maxDurationMs: 40, heartbeatMs: 1_000 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).toBe('retry: 3000\n\n');
    await vi.waitFor(() => expect(aborted).toBe(true));
  });

  it('ends when an outside signal fires', async () => {
    const outside = new AbortController();
    const reading = readAll(sseStream(idleUntilAborted(), { signal: outside.signal }));
    outside.abort();
    expect(await reading).toBe('retry: 3000\n\n');
  });

  it('Last-Event-ID header wins over ?last_event_id=', () => {
    expect(lastEventId({ headers: { 'last-event-id': '9' }, query: { last_event_id: '3' } })).toBe('9');
    expect(lastEventId({ headers: {}, query: { last_event_id: '3' } })).toBe('3');
    expect(lastEventId({ headers: {}, query: {} })).toBeUndefined();
  });
});

describe('GET …/events through the HTTP machinery', () => {
  const log: SseEvent[] = [1, 2, 3, 4].map((n) => ({ id: String(n), event: 'run.step', data: { n } }));
  const eventsRoute = bindRoute(routeSpecs.runEvents, async (input) => {
    const after = Number(lastEventId(input) ?? 0);
    return sse(() => fromArray(log.filter((e) => Number(e.id) > after)), { heartbeatMs: 60_000 });
  });
  const config = devConfig();
  const path = '/threads/thread_abc/runs/run_abc/events';
  const user = { 'x-user-id': 'alice' };

  it('streams with SSE headers and the request id', async () => {
    const result = await invoke(eventsRoute, { path, headers: user }, config);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(result.headers.get('cache-control')).toBe('no-cache');
    expect(result.headers.get('x-accel-buffering')).toBe('no');
    expect(result.headers.get('x-request-id')).toBe('inv-1234');
    expect(result.text.match(/^id: /gm)).toHaveLength(4);
  });

  it('resumes after the Last-Event-ID header on reconnection', async () => {
    const result = await invoke(eventsRoute, { path, headers: { ...user, 'Last-Event-ID': '2' } }, config);
    expect(result.text).toBe('retry: 3000\n\nid: 3\nevent: run.step\ndata: {"n":3}\n\nid: 4\nevent: run.step\ndata: {"n":4}\n\n');
  });

  it('resumes after ?last_event_id= for clients that cannot set headers', async () => {
    const result = await invoke(eventsRoute, { path: `${path}?last_event_id=3`, headers: user }, config);
    expect(result.text.match(/^id: .*$/gm)).toEqual(['id: 4']);
  });
});
