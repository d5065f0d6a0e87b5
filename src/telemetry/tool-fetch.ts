// The `fetch` handed to the server tools (ToolDeps.fetch: send_email's Logic App, Twelve Data): each request is an
// HTTP client span under the tool's span. Recorded: method, host, a path template, status. Never: the query string
// (the Logic App's signature lives there), headers (API keys) or bodies (email content).
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from './attributes';
import { inSpan } from './spans';
import { pathTemplate, statusKind } from './upstream-fetch';

export function tracedToolFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const template = pathTemplate(url.pathname);
    const attributes = {
      [ATTR.httpMethod]: method,
      [ATTR.serverAddress]: url.hostname,
      [ATTR.serverPort]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      [ATTR.urlTemplate]: template,
    };
    return inSpan(`${method} ${template}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
      const response = await inner(input, { ...init, headers });
      span.setAttribute(ATTR.httpStatus, response.status);
      if (response.status >= 400) span.setAttribute(ATTR.errorType, statusKind(response.status)).setStatus({ code: SpanStatusCode.ERROR });
      return response;
    });
  };
}
