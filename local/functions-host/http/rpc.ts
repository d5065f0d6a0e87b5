// HTTP ⇄ RPC shapes the Functions host exchanges with the Node.js worker when HTTP streaming is off:
// RpcHttpData for the request (nullable dictionaries, raw body bytes) and for the response.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcInvocationResponse, RpcNullableString, RpcTypedData } from '../worker/core-types';
import type { RegisteredFunction } from '../worker/registry';

const nullable = (values: Record<string, string>): Record<string, RpcNullableString> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value }]));

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Query values as the host sends them: repeated keys joined with commas. */
export function queryValues(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  return query;
}

export function toRpcHttpRequest(req: IncomingMessage, url: URL, params: Record<string, string>, body?: Buffer): RpcHttpData {
  return {
    method: req.method ?? 'GET',
    url: url.toString(),
    nullableHeaders: nullable(flattenHeaders(req.headers)),
    nullableQuery: nullable(queryValues(url)),
    nullableParams: nullable(params),
    params,
    ...(body && body.length > 0 ? { body: { bytes: body } } : {}),
  };
}

/** Trigger metadata of an HTTP invocation: route values as strings plus `Headers` and `Query` as JSON. */
export function httpTriggerMetadata(req: IncomingMessage, url: URL, params: Record<string, string>): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = {};
  for (const [name, value] of Object.entries(params)) metadata[name] = { string: value };
  metadata.Headers = { json: JSON.stringify(flattenHeaders(req.headers)) };
  metadata.Query = { json: JSON.stringify(queryValues(url)) };
  return metadata;
}

/** The function's HTTP output: the `$return` binding or a named `http` output binding. */
export function findHttpOutput(fn: RegisteredFunction, response: RpcInvocationResponse): RpcHttpData | undefined {
  for (const [name, binding] of Object.entries(fn.bindings)) {
    if (binding.direction !== 'out' || binding.type?.toLowerCase() !== 'http') continue;
    const data = name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
    if (data?.http) return data.http;
  }
  return undefined;
}

export function writeRpcHttpResponse(req: IncomingMessage, res: ServerResponse, http: RpcHttpData | undefined): void {
  // A function that returns no response answers 200 with no body, as the host's OkResult.
  res.statusCode = http?.statusCode ? Number(http.statusCode) : 200;
  for (const [name, value] of Object.entries(http?.headers ?? {})) res.setHeader(name, value);
  const cookies = (http?.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) res.appendHeader('set-cookie', cookies);
  const body = http?.body ? typedDataBytes(http.body) : undefined;
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function typedDataBytes(data: RpcTypedData): Buffer | undefined {
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.string !== undefined && data.string !== null) return Buffer.from(data.string);
  if (data.json !== undefined && data.json !== null) return Buffer.from(data.json);
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return undefined;
}

/** RpcHttpCookie → Set-Cookie value (the host does this in ASP.NET; `sameSite: 'none'` there means "not set"). */
export function serializeCookie(cookie: RpcHttpCookie): string {
  const attributes = [`${cookie.name ?? ''}=${encodeURIComponent(cookie.value ?? '')}`];
  if (cookie.domain?.value) attributes.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) attributes.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === 'number') attributes.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') attributes.push(`Max-Age=${Math.floor(cookie.maxAge.value)}`);
  if (cookie.secure?.value) attributes.push('Secure');
  if (cookie.httpOnly?.value) attributes.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[cookie.sameSite as string];
  if (sameSite) attributes.push(`SameSite=${sameSite}`);
  return attributes.join('; ');
}
