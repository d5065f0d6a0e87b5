import { describe, expect, it } from 'vitest';
import { corsPreflightRoute, methodsForPath } from '../../../src/api/routes';
import { routeSpecs } from '../../../src/api/routes';
import { cloudConfig, devConfig, invoke, spyRoute } from './support';

const APP = 'https://app.example.com';
const named = devConfig({ CORS_ALLOWED_ORIGINS: `${APP}/, https://other.example.com` });
const any = devConfig({ CORS_ALLOWED_ORIGINS: '*' });
const none = devConfig();
const user = { 'x-user-id': 'alice' };

const preflight = (path: string, headers: Record<string, string>, config = named) =>
  invoke(corsPreflightRoute, { method: 'OPTIONS', path, headers: { 'access-control-request-method': 'POST', ...headers } }, config);

describe('CORS on actual responses', () => {
  it('allows a listed origin (trailing slash and case ignored) with credentials and exposed headers', async () => {
    const { route } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { ...user, origin: 'https://APP.example.com' } }, named);
    expect(result.headers.get('access-control-allow-origin')).toBe('https://APP.example.com');
    expect(result.headers.get('access-control-allow-credentials')).toBe('true');
    expect(result.headers.get('vary')).toContain('Origin');
    expect(result.headers.get('access-control-expose-headers')?.split(', ')).toEqual(expect.arrayContaining(['Location', 'Retry-After', 'x-request-id']));
  });

  it('refuses an unlisted origin but still varies on Origin', async () => {
    const { route, handler } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { ...user, origin: 'https://evil.example.net' } }, named);
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
    expect(result.headers.get('vary')).toBe('Origin');
    // CORS is enforced by the browser; the server still answers same-origin and non-browser callers.
    expect(handler).toHaveBeenCalled();
  });

  it('allows any origin with `*`, without credentials', async () => {
    const { route } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { ...user, origin: 'https://anything.example' } }, any);
    expect(result.headers.get('access-control-allow-origin')).toBe('*');
    expect(result.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows nothing when no origins are configured', async () => {
    const { route } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { ...user, origin: APP } }, none);
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('error responses carry CORS headers so the browser can read the error', async () => {
    const { route } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { origin: APP } }, named);
    expect(result.status).toBe(401);
    expect(result.headers.get('access-control-allow-origin')).toBe(APP);
    expect(result.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('CORS preflight (catch-all OPTIONS route)', () => {
  it('answers an allowed origin with the methods served at that path', async () => {
    const threads = await preflight('/threads', { origin: APP, 'access-control-request-headers': 'content-type,x-user-id' });
    expect(threads.status).toBe(204);
    expect(threads.headers.get('access-control-allow-origin')).toBe(APP);
    expect(threads.headers.get('access-control-allow-methods')).toBe('POST, GET, OPTIONS');
    expect(threads.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(threads.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-user-id');
    expect(threads.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('last-event-id');
    expect(threads.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    // A browser sends no function key: the routes it calls take none.
    expect(threads.headers.get('access-control-allow-headers')?.toLowerCase()).not.toContain('x-functions-key');
    expect(threads.headers.get('access-control-max-age')).toBe('600');
    expect(threads.headers.get('vary')).toContain('Access-Control-Request-Headers');
    expect(threads.headers.get('x-request-id')).toBe('inv-1234');

    const thread = await preflight('/threads/thread_abc', { origin: APP });
    expect(thread.headers.get('access-control-allow-methods')).toBe('GET, DELETE, OPTIONS');
  });

  it('needs no identity (browsers send preflights without credentials), even in cloud mode', async () => {
    const result = await preflight('/threads/thread_abc/messages', { origin: APP }, cloudConfig({ CORS_ALLOWED_ORIGINS: APP }));
    expect(result.status).toBe(204);
    expect(result.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('refuses an unlisted origin with 403 and no Allow-Origin', async () => {
    const result = await preflight('/threads', { origin: 'https://evil.example.net' });
    expect(result.status).toBe(403);
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
    expect(result.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers 404 for a path no route serves', async () => {
    const result = await preflight('/nothing/here', { origin: APP });
    expect(result.status).toBe(404);
  });

  it('a plain OPTIONS without Origin lists the allowed methods', async () => {
    const result = await invoke(corsPreflightRoute, { method: 'OPTIONS', path: '/files' }, named);
    expect(result.status).toBe(204);
    expect(result.headers.get('allow')).toBe('POST, OPTIONS');
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('matches concrete paths against every template', () => {
    expect(methodsForPath('threads/thread_a/runs/run_b/events')).toEqual(['GET']);
    expect(methodsForPath('/threads/thread_a/runs/run_b/cancel/')).toEqual(['POST']);
    expect(methodsForPath('openapi.json')).toEqual(['GET']);
    expect(methodsForPath('openapi_json')).toEqual([]);
  });
});
