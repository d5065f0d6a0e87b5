// The host's HTTP front door on 127.0.0.1: routes requests to HTTP-triggered functions (route templates,
// methods, auth levels), invokes them through the app's programming model and writes their responses,
// forwarding through the library's own HTTP server when the app enabled HTTP streaming. The platform's limits
// apply on the way (limits.ts: body size, response timeout); what the host answers itself (no route, no key,
// body too large, response cut) is JSON in the `{"error":{"code","message"}}` envelope.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendError, sendJson } from '../../shared/http';
import { isAuthorized, presentedKey, type AuthLevel, type HostKeys } from './auth';
import { forwardToWorker } from './forward';
import { declaredLength, guardResponseTime, refuseBody, responseTimedOut, type HttpLimits } from './limits';
import { invocationTraceContext } from '../worker/trace-context';
import { findHttpOutput, httpTriggerMetadata, toRpcHttpRequest, writeRpcHttpResponse } from './rpc';
import type { Invoker } from '../worker/invoke';
import type { RegisteredFunction } from '../worker/registry';
import type { RouteTable } from './routes';

export interface HttpRoute {
  fn: RegisteredFunction;
  triggerName: string;
  authLevel: AuthLevel;
}

/** Handles `/admin/...` requests; returns false when the path is not an admin route. */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface HttpHostOptions {
  routes: RouteTable<HttpRoute>;
  keys: HostKeys;
  invoker: Invoker;
  /** The library's HTTP server (capability `HttpUri`) when the app enabled HTTP streaming. */
  workerHttpUri?: URL;
  admin?: AdminHandler;
  limits: HttpLimits;
  onError(message: string): void;
}

/** How long a streamed response may take to reach the client after its invocation finished. */
const RESPONSE_GRACE_MS = 5_000;

export function createRequestListener(options: HttpHostOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.onError(`HTTP request ${req.method} ${req.url} failed: ${(error as Error).message}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };
}

async function handle(options: HttpHostOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  if (options.admin && (await options.admin(req, res, url))) return;
  const match = options.routes.match(req.method ?? 'GET', url.pathname);
  if (!match) {
    req.resume();
    // The real host answers an empty 404; this host answers in the error envelope the app uses.
    sendError(res, 404, 'not_found', `No function answers ${req.method} ${url.pathname}.`);
    return;
  }
  if (!isAuthorized(match.value.authLevel, options.keys, presentedKey(url, req.headers))) {
    req.resume();
    sendError(res, 401, 'unauthorized', 'This function needs a key (x-functions-key header or code query parameter).');
    return;
  }
  const { maxRequestBodyBytes, responseTimeoutMs } = options.limits;
  if ((declaredLength(req) ?? 0) > maxRequestBodyBytes) return refuseBody(req, res, maxRequestBodyBytes);
  const { fn, triggerName } = match.value;
  const invocationId = randomUUID();
  const reason = 'This function was programmatically called via the host APIs.';
  const triggerMetadata = httpTriggerMetadata(req, url, match.params);

  if (options.workerHttpUri) {
    const forwarding = forwardToWorker(req, res, options.workerHttpUri, invocationId, { maxBodyBytes: maxRequestBodyBytes });
    // The response clock starts once the request is in (an upload is not an idle connection).
    const startClock = () => guardResponseTime(res, responseTimeoutMs, () => forwarding.abort(502, responseTimedOut(responseTimeoutMs)));
    if (req.complete) startClock();
    else req.once('end', startClock);
    let outcome;
    try {
      outcome = await options.invoker.invoke(fn, { invocationId, reason, triggerMetadata, traceContext: invocationTraceContext(req.headers), inputData: [{ name: triggerName, data: { http: toRpcHttpRequest(req, url, match.params) } }] });
    } catch {
      forwarding.abort(500);
      return;
    }
    // A handler that returned no response sent nothing through the library: the host answers 200 (OkResult).
    const noResponse = (outcome.result === undefined || outcome.result === null) && '$return' in fn.bindings;
    if (noResponse || !(await forwarding.waitForResponse(RESPONSE_GRACE_MS))) forwarding.abort(200);
    await forwarding.done;
    return;
  }

  let body: Buffer;
  try {
    body = await readBody(req, { limit: maxRequestBodyBytes });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuseBody(req, res, maxRequestBodyBytes);
    throw error;
  }
  guardResponseTime(res, responseTimeoutMs, () => sendJson(res, 502, responseTimedOut(responseTimeoutMs), { connection: 'close' }));
  let outcome;
  try {
    outcome = await options.invoker.invoke(fn, { invocationId, reason, triggerMetadata, traceContext: invocationTraceContext(req.headers), inputData: [{ name: triggerName, data: { http: toRpcHttpRequest(req, url, match.params, body) } }] });
  } catch {
    // A failed (or timed-out, host.json functionTimeout) invocation: the host's empty 500.
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    }
    return;
  }
  // The response was already cut (502 after the response timeout): the function's answer is lost, as in Azure.
  if (res.headersSent || res.destroyed) return;
  writeRpcHttpResponse(req, res, findHttpOutput(fn, outcome.response));
}
