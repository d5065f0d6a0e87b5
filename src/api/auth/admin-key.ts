// The maintenance route's key. In Azure the Functions host checks the admin (master) key before the app runs
// (authLevel 'admin'), so the app only insists that one was presented. Anywhere else (the local host, Core Tools)
// nothing may have checked it, so the app compares it with ADMIN_KEY itself and refuses when none is configured,
// in dev mode too.
import { timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import type { Config } from '../../config';
import { unauthorized } from '../../errors';

export function presentedFunctionKey(request: HttpRequest): string | undefined {
  return request.headers.get('x-functions-key') || request.query.get('code') || undefined;
}

export function requireAdminKey(request: HttpRequest, config: Pick<Config, 'ADMIN_KEY' | 'WEBSITE_INSTANCE_ID'>): void {
  const presented = presentedFunctionKey(request);
  if (config.ADMIN_KEY) {
    if (presented === undefined || !sameKey(presented, config.ADMIN_KEY)) throw unauthorized('This route needs the admin key (x-functions-key or ?code=).');
    return;
  }
  if (!config.WEBSITE_INSTANCE_ID) throw unauthorized('This route needs the admin key, and none is configured here (set ADMIN_KEY).');
  if (presented === undefined) throw unauthorized('This route needs the admin key (x-functions-key or ?code=).');
}

function sameKey(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
