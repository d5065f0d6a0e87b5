// Every HTTP operation this app serves, listed once. Each is defined with its handler in its resource
// file (src/api/resources/); the function registration (src/functions/http-api.ts) and the OpenAPI document
// come from this list. The three routes that answer from the list itself live here: the OpenAPI
// document, CORS preflights and the catch-all for requests no route matches.
import { z } from 'zod';
import packageJson from '../../package.json';
import { AppError } from '../errors';
import { preflight } from './cors';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { createThread, deleteThread, getThread, listThreads } from './resources/threads';
import { listMessages, postMessage } from './resources/messages';
import { cancelRunRoute, getRun, listRunSteps, listRuns, runEvents, submitToolApprovals, submitToolOutputs } from './resources/runs';
import { getFile, getFileContent, uploadFile } from './resources/files';
import { health, listAssistants } from './resources/system';
import { getSweepRoute, runSweepRoute } from './resources/maintenance';
import { json, noContent } from './results';
import { route, type Route, type RouteMethod, type RouteSpec } from './route';
import { ErrorBody } from './schemas/common';
import { OpenApiDocumentSchema } from './schemas/system';

/** The Functions route of the catch-alls (preflights, unmatched requests). */
const CATCH_ALL = '{*path}';
const anyPath = z.object({ path: z.string().meta({ description: 'Any API path.' }) });

export const openApiRoute = route(
  {
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'This OpenAPI document',
    tags: ['system'],
    responses: { 200: { description: 'OpenAPI 3.1 document.', schema: OpenApiDocumentSchema } },
  },
  async () => json(200, openApiDocument()),
);

export const corsPreflightRoute = route(
  {
    name: 'corsPreflight',
    method: 'OPTIONS',
    path: '/{path}',
    // Catch-all: one function answers preflights for every route.
    functionRoute: CATCH_ALL,
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'CORS preflight for any path',
    description: "Answers browsers' preflight requests from origins in CORS_ALLOWED_ORIGINS.",
    tags: ['system'],
    params: anyPath,
    responses: { 204: { description: 'Preflight accepted; see the Access-Control-* headers.' }, 403: { description: 'Origin not allowed.', schema: ErrorBody } },
  },
  async ({ params, request, config }) => {
    const methods = methodsForPath(params.path);
    if (methods.length === 0) throw new AppError('not_found', 'No route serves this path.', 404);
    const outcome = preflight(request.headers.get('origin'), methods, config);
    if (outcome.kind === 'origin-refused') throw new AppError('forbidden', 'This origin is not allowed (CORS_ALLOWED_ORIGINS).', 403);
    return noContent(outcome.headers);
  },
);

/**
 * Requests no route matches still get the error envelope: 404 not_found, or 405 method_not_allowed with
 * Allow when other methods serve the path. One function per method, since a function has one spec.
 */
const unmatched = (method: Exclude<RouteMethod, 'OPTIONS'>) =>
  route(
    {
      name: `unmatched${method[0]}${method.slice(1).toLowerCase()}`,
      method,
      path: '/{path}',
      // Catch-all: the host tries every more specific route first.
      functionRoute: CATCH_ALL,
      authLevel: 'anonymous',
      // Like every caller route, an anonymous request is answered 401 before anything else.
      identity: 'required',
      summary: `Any ${method} request no route serves`,
      description: 'Answers 404 not_found for an unknown path, and 405 method_not_allowed (with Allow) for a known path and another method.',
      tags: ['system'],
      params: anyPath,
      responses: {
        404: { description: 'No route serves this path (not_found).', schema: ErrorBody },
        405: { description: 'The path is served with other methods (method_not_allowed); see Allow.', schema: ErrorBody },
      },
    },
    async ({ params, request }) => {
      const methods = methodsForPath(params.path);
      if (methods.length === 0) throw new AppError('not_found', 'No route serves this path.', 404);
      throw new AppError('method_not_allowed', `${request.method} is not allowed here; use ${methods.join(', ')}.`, 405, { allow: [...methods, 'OPTIONS'] });
    },
  );

export const unmatchedRoutes = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map(unmatched);

/** The list, in the order OpenAPI shows it. */
export const routes = {
  health,
  openapi: openApiRoute,
  corsPreflight: corsPreflightRoute,
  createThread,
  listThreads,
  getThread,
  deleteThread,
  postMessage,
  listMessages,
  listRuns,
  getRun,
  listRunSteps,
  cancelRun: cancelRunRoute,
  submitToolOutputs,
  submitToolApprovals,
  runEvents,
  uploadFile,
  getFile,
  getFileContent,
  listAssistants,
  runSweep: runSweepRoute,
  getSweep: getSweepRoute,
} as const;

export type RouteSpecs = { readonly [K in keyof typeof routes]: (typeof routes)[K]['spec'] };
export const routeSpecs = Object.fromEntries(Object.entries(routes).map(([name, r]) => [name, r.spec])) as RouteSpecs;
export const allRoutes: readonly Route[] = [...Object.values(routes), ...unmatchedRoutes];
export const allRouteSpecs: readonly RouteSpec[] = allRoutes.map((r) => r.spec);

/** Routes the HTTP layer answers from the list itself. */
export const platformRoutes: readonly Route[] = [openApiRoute, corsPreflightRoute, ...unmatchedRoutes];

let document: OpenApiDocument | undefined;

/** The document for this build's routes (generated once; it only changes with the code). */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(allRouteSpecs, {
    title: 'Assistants backend API',
    version: packageJson.version,
    description: packageJson.description,
  });
  return document;
}

/** Methods the routes serve at a concrete path such as 'threads/thread_1/runs'. */
export function methodsForPath(path: string, specs: readonly RouteSpec[] = allRouteSpecs): RouteMethod[] {
  const wanted = `/${path.replace(/^\/+|\/+$/g, '')}`;
  return specs.filter((spec) => spec.functionRoute !== CATCH_ALL && templateRegex(spec.path).test(wanted)).map((spec) => spec.method);
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/\{\w+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`);
}
