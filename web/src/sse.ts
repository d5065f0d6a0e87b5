// A Server-Sent Events reader over fetch: EventSource cannot send the x-user-id header. Parses the
// WHATWG event-stream format (id/event/data/retry fields, blank line dispatches, `:` comments) and
// reconnects with Last-Event-ID until the server says it is done or the caller stops.
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** Milliseconds the server asked us to wait before reconnecting (`retry:`). */
  retryMs: number | undefined;

  constructor(private readonly dispatch: (message: SseMessage) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const breakLength = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (this.buffer[newline] === '\r' && newline + 1 === this.buffer.length) break;
      this.buffer = this.buffer.slice(newline + breakLength);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.dispatch({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

export interface SseStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  onMessage: (message: SseMessage) => void;
  /** True when this message ends the stream for good (no reconnect). */
  isFinal: (message: SseMessage) => boolean;
  signal: AbortSignal;
  /** Consecutive failed connections after which follow() gives up (the caller falls back to polling). */
  maxFailures?: number;
}

/**
 * Follows the stream across reconnects. Resolves when a final message arrived; rejects when the
 * server refuses (an HTTP error, or no streaming body) or after maxFailures broken connections.
 */
export async function followSse(options: SseStreamOptions): Promise<void> {
  let lastEventId: string | undefined;
  let failures = 0;
  let retryMs = 1000;
  const maxFailures = options.maxFailures ?? 5;
  while (!options.signal.aborted) {
    let finished = false;
    let progressed = false;
    try {
      const headers = { accept: 'text/event-stream', ...options.headers(), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
      const response = await fetch(options.url, { headers, signal: options.signal, credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok || !response.body) throw Object.assign(new Error(`event stream answered HTTP ${response.status}`), { fatal: true, response });
      const parser = new SseParser((message) => {
        if (message.id !== undefined) lastEventId = message.id;
        progressed = true;
        if (message.event === 'error') return; // the server's stream broke: reconnect and resume
        options.onMessage(message);
        if (options.isFinal(message)) finished = true;
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        if (finished) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
      if (parser.retryMs !== undefined) retryMs = parser.retryMs;
    } catch (error) {
      if (options.signal.aborted) return;
      if ((error as { fatal?: boolean }).fatal) throw error;
    }
    if (finished) return;
    failures = progressed ? 0 : failures + 1;
    if (failures >= maxFailures) throw new Error('the event stream keeps breaking');
    await sleep(retryMs, options.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
