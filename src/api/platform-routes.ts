// Handlers the HTTP layer owns itself: the OpenAPI document and CORS preflights.
import packageJson from '../../package.json';
import { AppError } from '../errors';
import { preflight } from './cors';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { json, noContent } from './results';
import { bindRoute, type RouteSpec } from './route';
import { allRouteSpecs, routeSpecs } from './routes';

let document: OpenApiDocument | undefined;

/** The document for this build's registry (generated once; it only changes with the code). */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(allRouteSpecs, {
    title: 'Assistants backend API',
    version: packageJson.version,
    description: packageJson.description,
  });
  return document;
}

export const openApiRoute = bindRoute(routeSpecs.openapi, async () => json(200, openApiDocument()));

/** Methods the registry serves at a concrete path such as 'threads/thread_1/runs'. */
export function methodsForPath(path: string, specs: readonly RouteSpec[] = allRouteSpecs): string[] {
  const wanted = `/${path.replace(/^\/+|\/+$/g, '')}`;
  return specs
    .filter((spec) => spec !== routeSpecs.corsPreflight && templateRegex(spec.path).test(wanted))
    .map((spec) => spec.method);
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/\{\w+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`);
}

export const corsPreflightRoute = bindRoute(routeSpecs.corsPreflight, async ({ params, request, config }) => {
  const methods = methodsForPath(params.path);
  if (methods.length === 0) throw new AppError('not_found', 'No route serves this path.', 404);
  const outcome = preflight(request.headers.get('origin'), methods, config);
  if (outcome.kind === 'origin-refused') throw new AppError('forbidden', 'This origin is not allowed (CORS_ALLOWED_ORIGINS).', 403);
  return noContent(outcome.headers);
});

/** Routes to register alongside the feature routes. */
export const platformRoutes = [openApiRoute, corsPreflightRoute];
