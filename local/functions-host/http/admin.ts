// `POST /admin/functions/<name>` with `{"input": "..."}`: runs a non-HTTP function once, as the host's admin API
// does (202 Accepted, the invocation runs in the background). Needs the master key when keys are configured.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorized, presentedKey, type HostKeys } from './auth';
import type { AdminHandler } from './server';
import { BodyTooLargeError, readBody, sendError } from '../../shared/http';
import { refuseBody } from './limits';

export type ManualInvoke = (input: string) => Promise<void>;

export function createAdminHandler(deps: { keys: HostKeys; invokers: Map<string, ManualInvoke>; httpFunctions: Set<string>; maxBodyBytes?: number }): AdminHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const match = /^\/admin\/functions\/([^/]+)\/?$/i.exec(url.pathname);
    if (!match) return false;
    let body: Buffer;
    try {
      body = await readBody(req, { limit: deps.maxBodyBytes });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return (refuseBody(req, res, error.limit), true);
      throw error;
    }
    if (!isAuthorized('admin', deps.keys, presentedKey(url, req.headers))) return reply(res, 401);
    if (req.method !== 'POST') return reply(res, 405);
    const name = decodeURIComponent(match[1]!);
    const invoke = [...deps.invokers].find(([fn]) => fn.toLowerCase() === name.toLowerCase())?.[1];
    if (!invoke) return reply(res, [...deps.httpFunctions].some((fn) => fn.toLowerCase() === name.toLowerCase()) ? 400 : 404);
    let input = '';
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
      const value = (parsed as { input?: unknown } | null)?.input;
      input = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    } catch {
      return reply(res, 400);
    }
    void invoke(input).catch(() => undefined);
    return reply(res, 202);
  };
}

const ADMIN_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['bad_request', 'The body must be JSON like {"input": "..."}, for a function that is not HTTP-triggered.'],
  401: ['unauthorized', 'The admin API needs the master key (x-functions-key header or code query parameter).'],
  404: ['not_found', 'No such function.'],
  405: ['method_not_allowed', 'Use POST.'],
};

/** 202 with no body; errors in the `{"error":{"code","message"}}` envelope. */
function reply(res: ServerResponse, status: number): true {
  const error = ADMIN_ERRORS[status];
  if (error) sendError(res, status, ...error);
  else {
    res.statusCode = status;
    res.end();
  }
  return true;
}
