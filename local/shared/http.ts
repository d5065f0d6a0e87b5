// Plumbing the local servers share: reading a request body (with a size limit), JSON answers in the
// `{"error":{"code","message"}}` envelope, answers to requests Node's parser rejects, and listen/close of an
// http.Server on loopback.
//
// The functions host (local/functions-host) uses it today. The mail sink (local/mail-sink/index.ts: readBody,
// sendJson, listen/close) and the assistants server (local/assistants-server/server.ts: listen/close,
// http/body.ts) still carry their own copies and are to adopt this module; their folders were owned by other
// work when it was written, so the coordinator folds them in after merging.
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The body grew past `limit` bytes; reading stopped there. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/**
 * The whole request body. With `limit`, a declared `content-length` above it rejects before anything is read,
 * and a body that grows past it rejects as soon as it does (the rest is left unread: answer, then close).
 */
export async function readBody(req: IncomingMessage, options: { limit?: number } = {}): Promise<Buffer> {
  const { limit } = options;
  if (limit !== undefined && Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (limit !== undefined && size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Sends `body` as JSON with its length; a response already under way is only ended. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

/** `{"error":{"code","message"}}` with `status`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  sendJson(res, status, errorBody(code, message), headers);
}

/**
 * Answers what Node's HTTP parser rejects before any handler runs (by default an empty 400 or 431) with the
 * error envelope, and closes the connection, as the request cannot be framed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, reason, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request_header_fields_too_large', 'The request headers are too large.']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request_timeout', 'The request was not received in time.']
          : [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP.'];
    const text = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  });
}

export interface Listening {
  server: Server;
  port: number;
  /** http://<host>:<port> (IPv6 hosts bracketed). */
  url: string;
}

/** Creates (or takes) a server and listens on `host` (default 127.0.0.1) and `port` (0: any free port). */
export async function listen(serverOrListener: Server | RequestListener, options: { port?: number; host?: string } = {}): Promise<Listening> {
  const server = typeof serverOrListener === 'function' ? http.createServer(serverOrListener) : serverOrListener;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/**
 * Stops accepting connections and resolves once the server is closed. Idle keep-alive connections close at
 * once; with `force`, so do those still answering (default: they finish first).
 */
export function closeServer(server: Server, options: { force?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    if (options.force) server.closeAllConnections();
  });
}
