// Dev-only server for the web chat: serves the esbuild bundle (built in memory at start), a
// config.json telling the page it runs in dev mode, and proxies /api/* to the Functions host so
// the page and the API share one origin (no CORS, like a same-origin deployment). Event streams
// pass through unbuffered.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleWeb, type WebAssets } from '../../web/build';
import { cacheControlOf, WEB_SECURITY_HEADERS } from '../../src/web/headers';

export interface WebServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Origin of the Functions host, e.g. http://127.0.0.1:7071 (its routes are under /api). */
  apiOrigin: string;
  /** Users offered by the page's user picker (dev mode). */
  users?: string[];
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// Hop-by-hop headers are the proxy's own business (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const assets = await bundleWeb();
  const config = JSON.stringify({ auth: 'dev', apiBase: '/api', users: options.users ?? ['alice', 'bob', 'carol'] });
  const api = new URL(options.apiOrigin);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return proxy(req, res, api);
    serveStatic(url.pathname, req, res, assets, config);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7070, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse, assets: WebAssets, config: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', JSON.stringify({ error: { code: 'method_not_allowed', message: 'Only GET.' } }), { Allow: 'GET, HEAD' });
  if (pathname === '/config.json') return send(res, 200, 'application/json', config, { 'Cache-Control': 'no-store' });
  if (pathname.startsWith('/.auth/')) {
    // App Service Authentication exists only in Azure; the page then uses its dev-mode user picker.
    return send(res, 404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: 'No App Service Authentication locally (dev mode).' } }));
  }
  const asset = assets.get(pathname === '/' ? '/index.html' : pathname);
  if (!asset) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  send(res, 200, asset.contentType, req.method === 'HEAD' ? '' : asset.body, { 'Cache-Control': cacheControlOf(pathname) });
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...WEB_SECURITY_HEADERS, 'Content-Type': contentType, ...headers });
  res.end(body);
}

/** Forwards the request as is (Host included, so the API's absolute URLs name this origin) and streams the answer back. */
function proxy(req: IncomingMessage, res: ServerResponse, api: URL): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const upstream = http.request({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    res.writeHead(answer.statusCode ?? 502, out);
    // Server-sent events: every chunk goes out as it arrives.
    res.flushHeaders();
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    send(res, 502, 'application/json', JSON.stringify({ error: { code: 'api_unreachable', message: `The Functions host at ${api.origin} did not answer.` } }));
  });
  // The browser went away (e.g. it closed an event stream): stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
