// OpenAPI 3.1 generated from the route registry's zod schemas, so the document cannot drift from
// what the handlers validate. Error responses and security follow from each spec's shape.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { ResponseSpec, RouteSpec } from './route';
import { ErrorBody } from './schemas/common';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** Base URL the paths are relative to; default '/api' (the Functions route prefix). */
  serverUrl?: string;
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const SECURITY_SCHEMES = {
  // Caller identities (any one): the conversation routes are anonymous at the Functions host and the app checks these.
  entraBearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Microsoft Entra ID access token for this API (audience = the API app id), validated by the app (AUTH_ENTRA_TENANT_ID/AUTH_ENTRA_AUDIENCE). For SPA and mobile frontends using MSAL.',
  },
  appServiceAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: 'AppServiceAuthSession',
    description: 'App Service Authentication (Easy Auth) session from /.auth/login/aad: the platform validates it and passes the caller to the app as x-ms-client-principal (trusted only when WEBSITE_AUTH_ENABLED=True).',
  },
  devUser: { type: 'apiKey', in: 'header', name: 'x-user-id', description: 'Local development only (AUTH_MODE=dev): the caller names itself.' },
  // The maintenance routes: the host's admin (master) key.
  adminKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'The Functions host admin (master) key; only the admin-level maintenance routes take it.' },
  adminKeyQuery: { type: 'apiKey', in: 'query', name: 'code', description: 'The Functions host admin (master) key as a query parameter.' },
} as const;

const requestIdHeader = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };
const retryAfterHeader = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' as const } } };

export function buildOpenApiDocument(specs: readonly RouteSpec[], options: OpenApiOptions): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) registry.registerComponent('securitySchemes', name, scheme);
  registry.registerComponent('headers', 'RequestId', { description: 'Id of this request (the Functions invocation id); quote it when reporting a problem.', schema: { type: 'string' } });
  for (const spec of specs) registry.registerPath(toRouteConfig(spec));

  const tags = [...new Set(specs.flatMap((s) => s.tags))].map((name) => ({ name }));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, ...(options.description ? { description: options.description } : {}) },
    servers: [{ url: options.serverUrl ?? '/api' }],
    tags,
  });
}

function toRouteConfig(spec: RouteSpec): RouteConfig {
  const request: RouteConfig['request'] = {};
  if (spec.params) request.params = spec.params;
  if (spec.query) request.query = spec.query;
  if (spec.headers) request.headers = spec.headers;
  if (spec.body) {
    request.body = { required: !spec.body.safeParse(undefined).success, content: { 'application/json': { schema: spec.body } } };
  }
  if (spec.form) request.body = { required: true, content: { 'multipart/form-data': { schema: spec.form } } };

  return {
    method: spec.method.toLowerCase() as RouteConfig['method'],
    path: spec.path,
    operationId: spec.name,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [...spec.tags],
    security: securityOf(spec),
    request,
    responses: { ...standardErrors(spec), ...mapValues(spec.responses, toResponseConfig) },
  };
}

/** Alternatives (OR) of requirements (AND): the admin key for admin-level routes, an identity when the route needs one. */
function securityOf(spec: RouteSpec): Record<string, string[]>[] {
  const keys = spec.authLevel === 'admin' ? [{ adminKey: [] }, { adminKeyQuery: [] }] : [{}];
  const identities = spec.identity === 'required' ? [{ entraBearer: [] }, { appServiceAuth: [] }, { devUser: [] }] : [{}];
  const combos = keys.flatMap((k) => identities.map((i) => ({ ...k, ...i })));
  return combos.every((c) => Object.keys(c).length === 0) ? [] : combos;
}

function standardErrors(spec: RouteSpec): Record<number | string, ResponseConfig> {
  const error = (description: string, headers: Record<string, unknown> = {}): ResponseConfig => ({
    description,
    headers: { ...requestIdHeader, ...headers } as ResponseConfig['headers'],
    content: { 'application/json': { schema: ErrorBody } },
  });
  const out: Record<number | string, ResponseConfig> = {};
  if (spec.params || spec.query || spec.headers || spec.body || spec.form) out[400] = error('Invalid request (validation_failed, invalid_json or invalid_multipart); the message names each bad field.');
  if (spec.identity === 'required') out[401] = error('No caller identity (unauthorized).');
  else if (spec.authLevel === 'admin') out[401] = error('No admin key, or not the right one (unauthorized).');
  if (spec.params) out[404] = error('Not found, or not the caller\'s (not_found).');
  if (spec.body || spec.form) {
    out[413] = error('Request body too large (payload_too_large).');
    out[415] = error('Wrong Content-Type (unsupported_media_type).');
  }
  if (spec.identity === 'required') out[429] = error('Rate limited (rate_limited); retry after Retry-After seconds.', retryAfterHeader);
  out[500] = error('Unexpected error (internal_error); the message is generic, quote x-request-id.');
  out.default = error('Any other error, e.g. upstream_error (502) or upstream_unavailable (503, with Retry-After).');
  return out;
}

function toResponseConfig(response: ResponseSpec): ResponseConfig {
  const headers = { ...requestIdHeader, ...response.headers } as ResponseConfig['headers'];
  const contentType = response.contentType ?? (response.schema ? 'application/json' : undefined);
  if (!contentType) return { description: response.description, headers };
  return { description: response.description, headers, content: { [contentType]: { schema: response.schema ?? nonJsonSchema(contentType) } } };
}

function nonJsonSchema(contentType: string): z.ZodType | { type: 'string'; format?: string } {
  return contentType.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' };
}

function mapValues<V, R>(record: Record<number, V>, fn: (value: V) => R): Record<number, R> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}
