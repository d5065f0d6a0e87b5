// The HTTP layer's public surface for route owners and function adapters.
export { defineRoute, bindRoute, route, type Route, type RouteSpec, type RouteInput, type ResponseSpec } from './route';
export { routes, routeSpecs, allRoutes, allRouteSpecs, platformRoutes, openApiDocument, methodsForPath, type RouteSpecs } from './routes';
export { toHttpHandler, type HttpDeps } from './handler';
export { toHttpFunctionOptions, registerRoutes, functionRouteOf, type HttpApp } from './register';
export { json, noContent, binary, sse, apiUrl, type ApiResult } from './results';
export { lastEventId, formatSseEvent, sseStream, type SseEvent, type SseOptions } from './sse';
export { resolveCaller, requireCaller, type Caller } from './identity';
export { buildOpenApiDocument, type OpenApiOptions, type OpenApiDocument } from './openapi';
export { errorResponse } from './http-errors';
