// Server-Sent Events: frames an async source as `id:`/`event:`/`data:` records, keeps idle
// connections alive with comments, and stops the source when the client disconnects.
export interface SseEvent {
  /** Sent as `id:`; the client echoes the last one as Last-Event-ID when it reconnects. */
  id?: string;
  event?: string;
  /** JSON-encoded onto one `data:` line. */
  data: unknown;
}

export interface SseOptions {
  /** Comment frames while idle so proxies and load balancers keep the connection open. */
  heartbeatMs?: number;
  /** Reconnection delay the client should use (`retry:`). */
  retryMs?: number;
  /** End the stream (the client reconnects and resumes) before the platform's response time limit. */
  maxDurationMs?: number;
  /** Ends the stream from outside (e.g. the host shutting down). */
  signal?: AbortSignal;
  /** Told about a failure of the source; the client gets a generic `error` event instead. */
  onError?: (error: unknown) => void;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // nginx-style proxies otherwise buffer the stream.
  'X-Accel-Buffering': 'no',
};

const LINE_BREAK = /[\r\n\0]/;

export function formatSseEvent(event: SseEvent): string {
  let frame = '';
  if (event.id !== undefined) {
    if (LINE_BREAK.test(event.id)) throw new Error('SSE event id must not contain line breaks or NUL');
    frame += `id: ${event.id}\n`;
  }
  if (event.event !== undefined) {
    if (LINE_BREAK.test(event.event)) throw new Error('SSE event name must not contain line breaks or NUL');
    frame += `event: ${event.event}\n`;
  }
  // JSON.stringify escapes CR/LF inside strings, so the payload always fits one data line.
  return `${frame}data: ${JSON.stringify(event.data ?? null)}\n\n`;
}

/** Where a reconnecting client wants to resume: the Last-Event-ID header wins over `?last_event_id=`. */
export function lastEventId(input: { headers?: { 'last-event-id'?: string }; query?: { last_event_id?: string } }): string | undefined {
  return input.headers?.['last-event-id'] ?? input.query?.last_event_id;
}

import { trackSseConnection } from '../telemetry';

export function sseStream(source: (signal: AbortSignal) => AsyncIterable<SseEvent>, options: SseOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let iterator: AsyncIterator<SseEvent> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let untrack: (() => void) | undefined;

  const release = () => {
    closed = true;
    untrack?.();
    clearInterval(heartbeat);
    clearTimeout(deadline);
    stop.abort();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      untrack = trackSseConnection();
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const end = () => {
        if (closed) return;
        release();
        controller.close();
      };
      send(`retry: ${options.retryMs ?? 3_000}\n\n`);
      heartbeat = setInterval(() => send(': keep-alive\n\n'), heartbeatMs);
      if (options.maxDurationMs !== undefined) deadline = setTimeout(end, options.maxDurationMs);
      if (options.signal?.aborted) end();
      else options.signal?.addEventListener('abort', end, { once: true });
      iterator = source(stop.signal)[Symbol.asyncIterator]();
    },
    async pull(controller) {
      if (closed || !iterator) return;
      try {
        const next = await iterator.next();
        if (closed) return;
        if (next.done) {
          release();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(formatSseEvent(next.value)));
      } catch (error) {
        if (closed) return;
        release();
        options.onError?.(error);
        // The status line is long gone: report in-band, generically, and let the client reconnect.
        controller.enqueue(encoder.encode(formatSseEvent({ event: 'error', data: { error: { code: 'internal_error', message: 'The event stream failed; reconnect to resume.' } } })));
        controller.close();
      }
    },
    cancel() {
      // The client went away: stop the timers and tell the source (its signal), without
      // waiting on a source that may be blocked on a pending next().
      release();
      iterator?.return?.().catch(() => undefined);
    },
  });
}
