// A loopback HTTP server that records every request and answers with a scripted response.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  /** Replaces how the server answers (default: the protocol object the path asks for). */
  respondWith(handler: (req: CapturedRequest) => ScriptedResponse): void;
  close(): Promise<void>;
}

/** Minimal valid protocol answers for the calls the tests make. */
export function protocolAnswer(req: CapturedRequest): ScriptedResponse {
  if (req.method === 'GET' && req.path.endsWith('/assistants')) {
    return { status: 200, body: { object: 'list', data: [], first_id: null, last_id: null, has_more: false } };
  }
  if (req.method === 'POST' && req.path.endsWith('/threads')) {
    return { status: 200, body: { id: 'thread_captured', object: 'thread', created_at: 1_700_000_000, metadata: {}, tool_resources: null } };
  }
  if (req.method === 'GET' && /\/responses\/[^/]+$/.test(req.path)) {
    return { status: 200, body: { id: req.path.split('/').at(-1), object: 'response', created_at: 1_700_000_000, status: 'completed', model: 'gpt-4o', output: [] } };
  }
  if (req.method === 'POST' && req.path.endsWith('/conversations')) {
    return { status: 200, body: { id: 'conv_captured', object: 'conversation', created_at: 1_700_000_000, metadata: {} } };
  }
  return { status: 404, body: { error: { message: 'No such route', type: 'invalid_request_error' } } };
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let handler = protocolAnswer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const captured: CapturedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      const answer = handler(captured);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    respondWith: (h) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
