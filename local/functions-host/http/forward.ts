// HTTP streaming mode: like the Functions host (YARP forwarder), the request is forwarded to the HTTP server the
// library runs inside the app, tagged with `x-ms-invocation-id`; the library pairs it with the invocation and
// writes the handler's response (headers first, body chunk by chunk) back on that connection, which is relayed
// to the client as it arrives, so Server-Sent Events flush incrementally.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendJson, type ErrorBody } from '../../shared/http';
import { bodyTooLarge } from './limits';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
export const INVOCATION_ID_HEADER = 'x-ms-invocation-id';

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = new Set(String(headers.connection ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !listed.has(name)));
}

export interface Forwarding {
  /** Resolves once the worker's response has been fully relayed (or the exchange was aborted). */
  done: Promise<void>;
  /** True once the worker started answering, i.e. the client has a status line. */
  readonly responded: boolean;
  /** Resolves true when the worker starts answering within `ms`. */
  waitForResponse(ms: number): Promise<boolean>;
  /**
   * Ends the exchange: `status` (default 500; with `error` as its JSON body) to the client if nothing was sent
   * yet, otherwise a cut connection.
   */
  abort(status?: number, error?: ErrorBody): void;
}

export function forwardToWorker(req: IncomingMessage, res: ServerResponse, workerUri: URL, invocationId: string, options: { maxBodyBytes?: number } = {}): Forwarding {
  const headers: IncomingHttpHeaders = {
    ...withoutHopByHop(req.headers),
    [INVOCATION_ID_HEADER]: invocationId,
    'x-forwarded-host': req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`,
    'x-forwarded-proto': 'http',
    'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
  };
  // The library reports http://localhost:<port>/; it listens on loopback, so skip name resolution.
  const hostname = workerUri.hostname === 'localhost' ? '127.0.0.1' : workerUri.hostname;
  const upstream = http.request({ hostname, port: workerUri.port, method: req.method, path: req.url, headers });

  let responded = false;
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const responseListeners = new Set<() => void>();
  const finish = () => {
    finished = true;
    resolveDone();
  };

  upstream.on('response', (workerRes) => {
    responded = true;
    responseListeners.forEach((notify) => notify());
    if (!req.complete) {
      // The app answered before reading the whole body (e.g. 413): drain the rest and close the
      // connection, or the client's next request on it would be read as the leftover body.
      res.shouldKeepAlive = false;
      req.unpipe(upstream);
      req.resume();
    }
    const relayed = withoutHopByHop(workerRes.headers);
    res.writeHead(workerRes.statusCode ?? 200, relayed as http.OutgoingHttpHeaders);
    res.flushHeaders();
    workerRes.on('data', (chunk: Buffer) => res.write(chunk));
    workerRes.on('end', () => res.end(finish));
    workerRes.on('error', () => {
      res.destroy();
      finish();
    });
  });
  upstream.on('error', () => {
    if (!responded && !res.headersSent) {
      res.statusCode = 502;
      res.end();
    } else res.destroy();
    finish();
  });
  // A client that goes away cancels the forwarded request, so the library sees its connection close.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
    finish();
  });
  // A body without a declared length is counted as it streams; past the limit the exchange ends with 413.
  let received = 0;
  const { maxBodyBytes } = options;
  if (maxBodyBytes !== undefined) {
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes && !responded) forwarding.abort(413, bodyTooLarge(maxBodyBytes));
    });
  }
  req.pipe(upstream);

  const forwarding: Forwarding = {
    done,
    get responded() {
      return responded;
    },
    waitForResponse(ms) {
      if (responded) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          responseListeners.delete(notify);
          resolve(false);
        }, ms);
        const notify = () => {
          clearTimeout(timer);
          resolve(true);
        };
        responseListeners.add(notify);
      });
    },
    abort(status = 500, error) {
      if (finished) return;
      if (!res.headersSent && error) {
        sendJson(res, status, error, { connection: 'close' });
        req.resume();
      } else if (!res.headersSent) {
        res.statusCode = status;
        res.end();
      } else res.destroy();
      upstream.destroy();
      finish();
    },
  };
  return forwarding;
}
