// Each HTTP invocation as a server span named after its route template (never the concrete path: ids stay in
// attributes, and query strings, which may carry keys, are never recorded). Its parent is the Functions host's
// invocation context, which continues the caller's `traceparent`; without one, the request's own header.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ATTR } from './attributes';
import { contextFrom, inSpan } from './spans';

export interface HttpRouteInfo {
  name: string;
  method: string;
  /** The OpenAPI path template, e.g. /threads/{threadId}/messages. */
  path: string;
}

export function tracedHttpHandler(route: HttpRouteInfo, handler: HttpHandler): HttpHandler {
  return async (request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> => {
    const host = invocation.traceContext;
    const parent = contextFrom(host?.traceParent, host?.traceState) ?? contextFrom(request.headers.get('traceparent'), request.headers.get('tracestate'));
    return inSpan(
      `${route.method} ${route.path}`,
      {
        kind: SpanKind.SERVER,
        ...(parent ? { parent } : {}),
        attributes: {
          [ATTR.httpMethod]: route.method,
          [ATTR.httpRoute]: route.path,
          [ATTR.httpRouteName]: route.name,
          [ATTR.faasTrigger]: 'http',
          [ATTR.faasInvocationId]: invocation.invocationId,
          ...pathIds(request.params),
        },
      },
      async (span) => {
        const response = (await handler(request, invocation)) as HttpResponseInit;
        const status = response.status ?? 200;
        span.setAttribute(ATTR.httpStatus, status);
        // 5xx is the server's failure; 4xx is the caller's and leaves the span unset (semantic conventions).
        if (status >= 500) span.setAttributes({ [ATTR.errorType]: String(status) }).setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
  };
}

/** Thread and run ids from the route (`{threadId}`, `{runId}`): the correlation keys an operator searches by. */
function pathIds(params: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (params?.threadId) out[ATTR.threadId] = params.threadId;
  if (params?.runId) out[ATTR.runId] = params.runId;
  return out;
}
