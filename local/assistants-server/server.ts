// The HTTP server: URL style → credentials → api-version → route → faults → handler → response.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRoutes } from './admin/handlers';
import { Stats } from './admin/stats';
import { Clock } from './engine/clock';
import { ResponseEngine } from './engine/response-engine';
import { RunEngine } from './engine/run-engine';
import { authenticate, checkApiVersion, checkBetaHeader, resolveStyle } from './http/auth';
import { readForm, readJson } from './http/body';
import type { HandlerResult, RequestContext, Services, UrlStyle } from './http/context';
import { ApiError, invalidUrl, serverError } from './http/errors';
import { Faults } from './http/faults';
import { RateWindow, styleHeaders } from './http/headers';
import { streamEvents } from './http/sse';
import { ChatCompletionsBridge } from './model/chat-completions-bridge';
import type { Model } from './model/model';
import { ScriptedModel } from './model/scripted';
import { Router, protocolRoutes } from './router';
import { newId } from './store/ids';
import { Store } from './store/store';

export interface AssistantsServerOptions {
  port?: number;
  host?: string;
  /** Keeps state across restarts (JSON snapshot + file contents); omitted → memory only. */
  dataDir?: string;
  maxFileBytes?: number;
  model?: 'scripted' | 'chat-completions';
  modelUrl?: string;
  modelKey?: string;
  modelName?: string;
}

export interface RunningAssistantsServer {
  /** Origin, e.g. http://127.0.0.1:7080 (the OpenAI base URL is `${url}/v1`). */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export async function startAssistantsServer(options: AssistantsServerOptions = {}): Promise<RunningAssistantsServer> {
  const clock = new Clock();
  const store = new Store(options.dataDir, () => clock.offset);
  clock.restore(store.load());
  const model = createModel(options, store, clock);
  const engine = new RunEngine(store, clock, model);
  engine.resume();
  const responses = new ResponseEngine(store, clock, model, () => services);
  const services: Services = { store, clock, engine, responses, model, maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES };
  responses.resume();
  const faults = new Faults();
  const stats = new Stats();
  const rates = new RateWindow();
  const protocol = new Router(protocolRoutes);
  const admin = new Router(adminRoutes({ store, clock, engine, responses, faults, stats, rates }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    res.setHeader('x-request-id', newId.request());
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    let headers: Record<string, string> = {};
    try {
      if (url.pathname.startsWith('/_admin/')) {
        const match = admin.match(method, url.pathname.slice('/_admin'.length));
        if (!match) throw invalidUrl(method, url.pathname);
        return send(res, await match.route.handler(context(req, url, match.params, 'openai')), headers, started);
      }
      const resolved = resolveStyle(url.pathname);
      const match = resolved ? protocol.match(method, resolved.rest) : null;
      stats.record(match?.key ?? null);
      if (!resolved) throw invalidUrl(method, url.pathname);
      headers = styleHeaders(resolved.style);
      authenticate(resolved.style, req.headers);
      if (!resolved.unversioned) checkApiVersion(resolved.style, url.searchParams);
      if (!match) throw invalidUrl(method, url.pathname);
      if (match.params.run_id) stats.touchRun(match.params.run_id);
      if (match.params.response_id) stats.touchRun(match.params.response_id);
      Object.assign(headers, rates.hit());
      const latency = faults.latencyMs();
      if (latency > 0) await sleep(latency);
      const fault = faults.roll();
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'rate_limit') throw rateLimited(faults.current.retry_after_ms);
      if (fault === 'server_error') throw serverError();
      checkBetaHeader(resolved.style, resolved.rest, req.headers);
      const ctx = context(req, url, match.params, resolved.style, (runId) => stats.touchRun(runId));
      const answer = await match.route.handler(ctx);
      // The request was carried out; its answer is lost on the way back.
      if (faults.losesAnswer(match.key)) return void req.socket.destroy();
      send(res, answer, headers, started);
    } catch (error) {
      sendError(res, error, headers);
    }
  }

  function context(req: IncomingMessage, url: URL, params: Record<string, string>, style: UrlStyle, touchRun: (id: string) => void = () => {}): RequestContext {
    let json: Promise<Record<string, unknown>> | undefined;
    return {
      services,
      params,
      query: url.searchParams,
      headers: req.headers,
      style,
      json: () => (json ??= readJson(req)),
      form: () => readForm(req, services.maxFileBytes),
      touchRun,
    };
  }

  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      engine.reset();
      responses.reset();
      clock.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.flush();
    },
  };
}

function createModel(options: AssistantsServerOptions, store: Store, clock: Clock): Model {
  if (options.model === 'chat-completions') {
    if (!options.modelUrl) throw new Error('The chat-completions model needs modelUrl (ASSISTANTS_SERVER_MODEL_URL).');
    return new ChatCompletionsBridge({ url: options.modelUrl, key: options.modelKey, model: options.modelName });
  }
  return new ScriptedModel(
    () => store.state.scripts,
    () => store.changed(),
    () => clock.nowSeconds(),
  );
}

function rateLimited(retryAfterMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(429, `Rate limit reached for requests. Please try again in ${seconds}s.`, 'requests', null, 'rate_limit_exceeded', {
    'retry-after': String(seconds),
    'retry-after-ms': String(retryAfterMs),
  });
}

function send(res: ServerResponse, result: HandlerResult, headers: Record<string, string>, started: number): void {
  const all = { ...headers, ...result.headers, 'openai-processing-ms': String(Date.now() - started) };
  if ('events' in result) return streamEvents(res, result.events, all);
  if ('binary' in result) {
    res.writeHead(200, { ...all, 'content-type': result.contentType, 'content-length': String(result.binary.length) });
    res.end(result.binary);
    return;
  }
  const body = JSON.stringify(result.json);
  res.writeHead(result.status ?? 200, { ...all, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendError(res: ServerResponse, error: unknown, headers: Record<string, string>): void {
  if (res.headersSent) return void res.destroy();
  const apiError = error instanceof ApiError ? error : serverError();
  if (!(error instanceof ApiError)) console.error('assistants-server: unhandled error', error);
  const body = JSON.stringify(apiError.toBody());
  res.writeHead(apiError.status, { ...headers, ...apiError.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
