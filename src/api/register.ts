// Registration with the Functions host: one HTTP function per route of the list in src/api/routes.ts,
// the same list the OpenAPI document is generated from.
import type { HttpFunctionOptions } from '@azure/functions';
import { tracedHttpHandler } from '../telemetry';
import { API_PREFIX } from './prefix';
import { toHttpHandler, type HttpDeps } from './handler';
import type { Route, RouteSpec } from './route';

/** The Functions route template: `api/` and the OpenAPI path without its leading slash (unless overridden). */
export function functionRouteOf(spec: RouteSpec): string {
  return `${API_PREFIX}/${spec.functionRoute ?? spec.path.replace(/^\//, '')}`;
}

export function toHttpFunctionOptions(route: Route, deps: HttpDeps): HttpFunctionOptions {
  return {
    route: functionRouteOf(route.spec),
    methods: [route.spec.method],
    authLevel: route.spec.authLevel,
    handler: tracedHttpHandler(route.spec, toHttpHandler(route, deps)),
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
