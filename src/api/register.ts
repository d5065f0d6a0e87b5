// Registration with the Functions host. Only specs from the `routeSpecs` registry may be
// registered, and the OpenAPI document is generated from that same registry, so no route can
// be served without being documented.
import type { HttpFunctionOptions } from '@azure/functions';
import { toHttpHandler, type HttpDeps } from './handler';
import type { Route, RouteSpec } from './route';
import { allRouteSpecs } from './routes';

/** The Functions route template: the OpenAPI path without its leading slash (unless overridden). */
export function functionRouteOf(spec: RouteSpec): string {
  return spec.functionRoute ?? spec.path.replace(/^\//, '');
}

export function assertDocumented(spec: RouteSpec, registry: readonly RouteSpec[] = allRouteSpecs): void {
  if (!registry.includes(spec)) {
    throw new Error(`Route ${spec.name} is not in the routeSpecs registry (src/api/routes.ts), so it would be missing from the OpenAPI document.`);
  }
}

export function toHttpFunctionOptions(route: Route, deps: HttpDeps): HttpFunctionOptions {
  assertDocumented(route.spec);
  return {
    route: functionRouteOf(route.spec),
    methods: [route.spec.method],
    authLevel: route.spec.authLevel,
    handler: toHttpHandler(route, deps),
  };
}

/** The part of `app` from @azure/functions used here (a parameter so tests can record registrations). */
export interface HttpApp {
  http(name: string, options: HttpFunctionOptions): void;
}

export function registerRoutes(app: HttpApp, routes: readonly Route[], deps: HttpDeps): void {
  const names = new Set<string>();
  for (const route of routes) {
    if (names.has(route.spec.name)) throw new Error(`Route ${route.spec.name} is registered twice.`);
    names.add(route.spec.name);
    app.http(route.spec.name, toHttpFunctionOptions(route, deps));
  }
}
