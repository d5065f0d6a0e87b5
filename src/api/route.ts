// Declarative routes: one definition drives validation, the Azure Function registration and OpenAPI.
// Each resource file in src/api/resources/ defines its routes with `route(spec, handler)`: the spec
// (schemas, auth, responses) and the handler side by side; src/api/routes.ts lists them.
import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../logging';
import type { Runtime } from '../runtime';
import type { Caller } from './identity';
import type { ApiResult } from './results';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
/**
 * The Functions host level: `admin` (the maintenance routes) needs the host's master key; everything else is
 * `anonymous` at the host, and callers are identified by the app (see CALLER). No route uses `function` keys.
 */
export type AuthLevel = 'anonymous' | 'admin';
export type AnyZodObject = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

export interface ResponseSpec {
  description: string;
  /** JSON body schema (or the schema of a non-JSON body, when given with contentType). */
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given; without both, the response has no body. */
  contentType?: string;
  headers?: Record<string, { description: string }>;
}

export interface RouteSpec {
  /** Azure Function name and OpenAPI operationId. */
  name: string;
  method: RouteMethod;
  /** OpenAPI path relative to the `api` route prefix, e.g. '/threads/{threadId}'. */
  path: string;
  /** Functions route template when it differs from `path` (e.g. a catch-all '{*path}'). */
  functionRoute?: string;
  authLevel: AuthLevel;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** 'required': a caller identity must be resolved (else 401) before anything else. */
  identity: 'required' | 'none';
  params?: AnyZodObject;
  query?: AnyZodObject;
  /** Request headers to validate; keys lower-case. */
  headers?: AnyZodObject;
  /** JSON request body. */
  body?: z.ZodType;
  /** multipart/form-data request body: its fields (files as z.file()). */
  form?: AnyZodObject;
  responses: Record<number, ResponseSpec>;
  /** Largest accepted request body; default 64 KiB for JSON, MAX_UPLOAD_BYTES plus framing for forms. */
  maxBodyBytes?: number;
}

type Out<S, K extends string> = S extends { [P in K]: infer T extends z.ZodType } ? z.output<T> : undefined;

/** What a handler receives: inputs already validated and typed from the spec. */
export interface RouteInput<S extends RouteSpec = RouteSpec> {
  params: Out<S, 'params'>;
  query: Out<S, 'query'>;
  headers: Out<S, 'headers'>;
  body: S extends { form: infer F extends z.ZodType } ? z.output<F> : Out<S, 'body'>;
  user: S extends { identity: 'required' } ? Caller : Caller | null;
  request: HttpRequest;
  context: InvocationContext;
  logger: Logger;
  config: Config;
  /** The invocation id, also sent as x-request-id. */
  requestId: string;
  /** The process's dependencies (src/runtime.ts), built on first use. */
  runtime: () => Promise<Runtime>;
}

/** A spec with its handler. Method syntax keeps handlers of specific specs assignable to Route<RouteSpec>. */
export interface Route<S extends RouteSpec = RouteSpec> {
  readonly spec: S;
  handler(input: RouteInput<S>): Promise<ApiResult>;
}

/** Checks a spec's shape once, at definition time, and keeps its literal type for typed handlers. */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  if (!spec.path.startsWith('/')) throw new Error(`Route ${spec.name}: path must start with '/'`);
  // The Functions host rejects function names and routes starting with its reserved segments.
  if (/^(admin|runtime)/i.test(spec.name) || /^\/(admin|runtime)\b/i.test(spec.path)) {
    throw new Error(`Route ${spec.name}: names and paths starting with admin or runtime are reserved by the Functions host`);
  }
  if (spec.body && spec.form) throw new Error(`Route ${spec.name}: a body is JSON or a form, not both`);
  const placeholders = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const declared = Object.keys(spec.params?.shape ?? {});
  if (placeholders.sort().join() !== declared.sort().join()) {
    throw new Error(`Route ${spec.name}: path parameters {${placeholders.join(', ')}} must match params schema keys (${declared.join(', ')})`);
  }
  return spec;
}

export function bindRoute<S extends RouteSpec>(spec: S, handler: (input: RouteInput<S>) => Promise<ApiResult>): Route<S> {
  return { spec, handler };
}

/**
 * What a caller's route is: anonymous at the Functions host, and the app requires the caller's identity (Easy Auth
 * principal or an Entra bearer token; 401 without). No function key: App Service Authentication does not satisfy
 * one (Azure/azure-functions-host#11394), and a key handed to a browser or a mobile app is a secret every user
 * holds, so it would guard nothing. The identity is the control.
 */
const CALLER = { authLevel: 'anonymous', identity: 'required' } as const;
type CallerAccess = typeof CALLER;

/** A caller's route (conversation, files, assistants): `route` with the caller's identity required. */
export function callerRoute<const S extends Omit<RouteSpec, keyof CallerAccess>>(spec: S, handler: (input: RouteInput<S & CallerAccess>) => Promise<ApiResult>): Route<S & CallerAccess> {
  return route({ ...CALLER, ...spec } as S & CallerAccess, handler);
}

/** A route defined in one place: its spec, checked by defineRoute, and its handler. */
export function route<const S extends RouteSpec>(spec: S, handler: (input: RouteInput<S>) => Promise<ApiResult>): Route<S> {
  return bindRoute(defineRoute(spec), handler);
}
