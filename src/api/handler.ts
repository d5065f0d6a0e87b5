// Turns a Route into an Azure Functions HttpHandler. Order matters: identity (header-only) first,
// so anonymous callers never make us read bodies; then media type, size, parsing and zod
// validation of every request part; only then the handler, which therefore sees typed, bounded
// input and makes no upstream call for a request that was going to fail anyway.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { Config } from '../config';
import { loggerFromContext } from '../logging';
import type { Runtime } from '../runtime';
import { corsHeaders } from './cors';
import { errorResponse, JSON_CONTENT_TYPE, validationError } from './http-errors';
import { requireAdminKey } from './auth/admin-key';
import { closedInCloudMode } from './auth/route-gate';
import { requireCaller, resolveCaller } from './identity';
import { MULTIPART_OVERHEAD_BYTES, readMultipartForm } from './multipart';
import { DEFAULT_JSON_BODY_LIMIT, readJsonBody } from './request-body';
import type { ApiResult } from './results';
import type { Route, RouteInput, RouteSpec } from './route';
import { SSE_HEADERS } from './sse';

export interface HttpDeps {
  /** Read per request so registration at import time does not need settings yet. */
  getConfig: () => Config;
  /** The process's dependencies; routes that need none run without it. */
  getRuntime?: () => Promise<Runtime>;
}

const noRuntime = (): Promise<Runtime> => Promise.reject(new Error('This HTTP handler was set up without a runtime.'));

export function toHttpHandler(route: Route, deps: HttpDeps): HttpHandler {
  const { spec } = route;
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = context.invocationId;
    let config: Config | undefined;
    let response: HttpResponseInit;
    const logger = (cfg?: Config) => loggerFromContext(context, cfg?.LOG_LEVEL ?? 'info', { requestId, route: spec.name });
    try {
      config = deps.getConfig();
      const input = await prepareInput(spec, request, config);
      const result = await route.handler({ ...input, request, context, logger: logger(config), config, requestId, runtime: deps.getRuntime ?? noRuntime } as RouteInput);
      response = toResponseInit(result);
    } catch (error) {
      response = errorResponse(error, logger(config));
    }
    const cors = config ? corsHeaders(request.headers.get('origin'), config) : {};
    return { ...response, headers: { ...cors, ...(response.headers as Record<string, string> | undefined), 'x-request-id': requestId } };
  };
}

type PreparedInput = Pick<RouteInput, 'params' | 'query' | 'headers' | 'body' | 'user'>;

async function prepareInput(spec: RouteSpec, request: HttpRequest, config: Config): Promise<PreparedInput> {
  closedInCloudMode(spec, config);
  if (spec.authLevel === 'admin') requireAdminKey(request, config);
  const user = spec.identity === 'required' ? await requireCaller(request, config) : await resolveCaller(request, config);

  let rawBody: unknown;
  if (spec.form) {
    const maxFileBytes = config.MAX_UPLOAD_BYTES;
    rawBody = await readMultipartForm(request, { maxBodyBytes: spec.maxBodyBytes ?? maxFileBytes + MULTIPART_OVERHEAD_BYTES, maxFileBytes });
  } else if (spec.body) {
    rawBody = await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_JSON_BODY_LIMIT);
  }

  const parts: [string, z.ZodType | undefined, unknown][] = [
    ['params', spec.params, request.params],
    ['query', spec.query, firstValues(request.query)],
    ['headers', spec.headers, spec.headers ? pickHeaders(request, Object.keys(spec.headers.shape)) : undefined],
    ['body', spec.form ?? spec.body, rawBody],
  ];
  const values: Record<string, unknown> = {};
  const failures: { part: string; issues: z.core.$ZodIssue[] }[] = [];
  for (const [part, schema, raw] of parts) {
    if (!schema) continue;
    const parsed = await schema.safeParseAsync(raw);
    if (parsed.success) values[part] = parsed.data;
    else failures.push({ part, issues: parsed.error.issues });
  }
  if (failures.length) throw validationError(failures);
  return { params: values.params, query: values.query, headers: values.headers, body: values.body, user } as PreparedInput;
}

/** Repeated query names keep their first value, as most frameworks do. */
function firstValues(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) if (!(key in out)) out[key] = value;
  return out;
}

function pickHeaders(request: HttpRequest, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

function toResponseInit(result: ApiResult): HttpResponseInit {
  switch (result.kind) {
    case 'binary':
      return { status: result.status ?? 200, headers: { 'Content-Type': result.contentType, ...result.headers }, body: result.body };
    case 'sse':
      return { status: 200, headers: { ...SSE_HEADERS, ...result.headers }, body: result.stream };
    default: {
      const status = result.status ?? 200;
      if (result.body === undefined || status === 204 || status === 304) return { status, headers: { ...result.headers } };
      return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...result.headers }, body: JSON.stringify(result.body) };
    }
  }
}
