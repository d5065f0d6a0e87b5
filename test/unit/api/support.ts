// Drives routes the way the Functions host does: a real HttpRequest (route params extracted from
// the path template) and a real InvocationContext whose log lines are captured.
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { vi } from 'vitest';
import { loadConfig, type Config } from '../../../src/config';
import { bindRoute, type Route, type RouteInput, type RouteSpec } from '../../../src/api/route';
import { toHttpHandler } from '../../../src/api/handler';
import { json, type ApiResult } from '../../../src/api/results';

export const devConfig = (env: Record<string, string> = {}): Config => loadConfig({ LOG_LEVEL: 'debug', ...env });

/** Cloud mode behind App Service Authentication (the platform says it is on); override WEBSITE_AUTH_ENABLED to test it off. */
export const cloudConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({
    WEBSITE_AUTH_ENABLED: 'True',
    ASSISTANTS_PROVIDER: 'azure-openai',
    ASSISTANTS_ENDPOINT: 'https://example-aoai.openai.azure.com/',
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    LOG_LEVEL: 'debug',
    ...env,
  });

export interface Call {
  method?: string;
  /** Concrete path under /api, e.g. '/threads/thread_1?limit=5'. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  json?: unknown;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
  logs: string[];
}

/** Route params as the host extracts them from the Functions route template. */
export function paramsFor(template: string, path: string): Record<string, string> {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(path.split('?')[0]!);
  if (!match) throw new Error(`${path} does not match ${template}`);
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
}

export function makeRequest(spec: RouteSpec, call: Call): HttpRequest {
  const headers = { ...call.headers };
  let body: { string?: string; bytes?: Uint8Array } | undefined;
  if (call.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = { string: JSON.stringify(call.json) };
  } else if (typeof call.body === 'string') body = { string: call.body };
  else if (call.body) body = { bytes: call.body };
  return new HttpRequest({
    method: call.method ?? spec.method,
    url: `http://localhost:7071/api${call.path}`,
    headers,
    body,
    params: spec.functionRoute ? { path: call.path.split('?')[0]!.replace(/^\//, '') } : paramsFor(spec.path, call.path),
  });
}

export async function invoke(route: Route, call: Call, config: Config): Promise<CallResult> {
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: 'inv-1234',
    functionName: route.spec.name,
    logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
  });
  const init = (await toHttpHandler(route, { getConfig: () => config })(makeRequest(route.spec, call), context)) as HttpResponseInit;
  const response = new HttpResponse(init);
  const text = await response.text();
  let body: unknown = undefined;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body, logs };
}

/** A route whose handler records its calls and answers 200 `{ok:true}` unless told otherwise. */
export function spyRoute<S extends RouteSpec>(spec: S, answer: () => Promise<ApiResult> = async () => json(200, { ok: true })) {
  const handler = vi.fn<(input: RouteInput<S>) => Promise<ApiResult>>(answer);
  return { route: bindRoute(spec, handler) as unknown as Route, handler };
}

export function errorOf(result: CallResult): { code: string; message: string } {
  return (result.body as { error: { code: string; message: string } }).error;
}

/** base64 X-MS-CLIENT-PRINCIPAL as App Service Authentication sends it. */
export function principalHeader(claims: { typ: string; val: string }[], extra: Record<string, unknown> = {}): string {
  const principal = { auth_typ: 'aad', name_typ: 'name', role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', claims, ...extra };
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64');
}
