// Function keys as the Functions host checks them: `function` level accepts the default function key or the
// master key, `admin` only the master key; keys come from the `x-functions-key` header or the `code` query.
// Like Core Tools, nothing is enforced when no key is configured.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SettingsSource } from '../settings';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HostKeys {
  functionKey?: string;
  masterKey?: string;
}

export function keysFromSettings(settings: SettingsSource): HostKeys {
  return { functionKey: settings.FUNCTIONS_DEFAULT_KEY || undefined, masterKey: settings.FUNCTIONS_MASTER_KEY || undefined };
}

export function parseAuthLevel(value: unknown): AuthLevel {
  const level = String(value ?? 'anonymous').toLowerCase();
  if (level === 'anonymous' || level === 'function' || level === 'admin') return level;
  throw new Error(`unsupported authLevel "${String(value)}" (anonymous, function or admin)`);
}

export function presentedKey(url: URL, headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-functions-key'];
  return (Array.isArray(header) ? header[0] : header) || url.searchParams.get('code') || undefined;
}

export function isAuthorized(level: AuthLevel, keys: HostKeys, presented: string | undefined): boolean {
  if (level === 'anonymous' || (!keys.functionKey && !keys.masterKey)) return true;
  if (presented === undefined) return false;
  if (keys.masterKey && sameKey(presented, keys.masterKey)) return true;
  return level === 'function' && keys.functionKey !== undefined && sameKey(presented, keys.functionKey);
}

function sameKey(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
