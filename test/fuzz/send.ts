// Sends one generated request exactly as generated (raw path, raw header bytes, raw body) on its own
// connection, with a deadline. node:http rather than fetch: fetch would normalise `..` segments and
// refuse some of the header values the fuzzer means to send.
import http from 'node:http';

export interface WireRequest {
  method: string;
  /** Path and query as they go on the request line, e.g. '/api/threads/..%2Ffiles?limit=x'. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Read as a Server-Sent Events stream: stop after `sseDeadlineMs` once the headers are in. */
  sse?: boolean;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** The body read (for streams: what arrived before the deadline), at most `maxBodyBytes`. */
  text: string;
  durationMs: number;
  /** True when a stream was still open at its deadline (we disconnected). */
  streamCut?: boolean;
}

export type SendOutcome = { ok: true; response: WireResponse } | { ok: false; kind: 'hang' | 'no_response' | 'client_refused'; detail: string; durationMs: number };

export interface SendOptions {
  host: string;
  port: number;
  timeoutMs: number;
  sseDeadlineMs: number;
  maxBodyBytes?: number;
}

/** Header values go out byte for byte: a JS string of UTF-8 bytes as latin1 characters. */
export function latin1(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

export function send(request: WireRequest, options: SendOptions): Promise<SendOutcome> {
  const started = Date.now();
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    let responded = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const headers: Record<string, string> = { connection: 'close', ...request.headers };
    if (request.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(request.body.byteLength);
    }
    let req: http.ClientRequest;
    try {
      req = http.request({ host: options.host, port: options.port, method: request.method, path: request.path, headers, agent: false, insecureHTTPParser: true });
    } catch (error) {
      resolve({ ok: false, kind: 'client_refused', detail: (error as Error).message, durationMs: 0 });
      return;
    }
    const timer = setTimeout(() => {
      finish({ ok: false, kind: 'hang', detail: responded ? `the body did not complete within ${options.timeoutMs} ms` : `no response within ${options.timeoutMs} ms`, durationMs: Date.now() - started });
    }, options.timeoutMs);
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
      const done = (streamCut: boolean) =>
        finish({
          ok: true,
          response: { status: res.statusCode ?? 0, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8'), durationMs: Date.now() - started, ...(streamCut ? { streamCut } : {}) },
        });
      const isStream = request.sse && /^text\/event-stream/.test(responseHeaders['content-type'] ?? '');
      if (isStream) setTimeout(() => done(true), options.sseDeadlineMs).unref();
      res.on('data', (chunk: Buffer) => {
        if (size < maxBody) chunks.push(chunk);
        size += chunk.byteLength;
      });
      res.on('end', () => done(false));
      res.on('error', () => done(false));
      res.on('aborted', () => done(false));
    });
    req.on('error', (error) => {
      // The server may answer and close before the whole body is written; the answer is what counts.
      if (responded) return;
      setTimeout(() => {
        if (!responded) finish({ ok: false, kind: 'no_response', detail: `connection failed without an answer: ${(error as NodeJS.ErrnoException).code ?? error.message}`, durationMs: Date.now() - started });
      }, 200);
    });
    req.end(request.body);
  });
}
