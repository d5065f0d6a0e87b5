// HTTP triggers through the host (buffered mode): routing, parameters, methods, route prefix, auth levels,
// responses, logs, hooks and graceful shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { logMatches, startFixtureHost, waitFor } from './helpers';

const FUNCTION_KEY = 'function-key-for-tests';
const MASTER_KEY = 'master-key-for-tests';
let host: RunningFunctionsHost;

beforeAll(async () => {
  host = await startFixtureHost('host-app-http', { FUNCTIONS_DEFAULT_KEY: FUNCTION_KEY, FUNCTIONS_MASTER_KEY: MASTER_KEY });
});
afterAll(async () => {
  await host?.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);

describe('HTTP routing', () => {
  it('uses host.json routePrefix and lists the functions at startup', async () => {
    expect(host.baseUrl).toBe(`${host.url}/v1`);
    expect(host.logs()).toContain(`hello: [GET] ${host.url}/v1/hello/{name}`);
    expect((await get('/v1/hello/Ada?q=1')).status).toBe(200);
    expect((await get('/api/hello/Ada')).status).toBe(404);
  });

  it('passes route parameters, query and method to a real HttpRequest', async () => {
    const res = await get('/v1/hello/Ada%20Lovelace?q=search');
    expect(await res.json()).toEqual({ name: 'Ada Lovelace', q: 'search', method: 'GET', url: `${host.url}/v1/hello/Ada%20Lovelace?q=search` });
  });

  it('chooses between functions by constraint and method', async () => {
    expect(await (await get('/v1/items/42')).json()).toEqual({ fn: 'items-get', id: '42' });
    expect(await (await get('/v1/items/abc')).json()).toEqual({ fn: 'items-any', slug: 'abc' });
    const put = await get('/v1/items/7', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'seven' }) });
    expect(await put.json()).toEqual({ fn: 'items-update', id: '7', body: { name: 'seven' } });
    expect((await get('/v1/items/7', { method: 'DELETE' })).status).toBe(404);
    expect((await get('/v1/items/abc', { method: 'PUT', body: '{}' })).status).toBe(404);
  });

  it('supports catch-all and optional parameters', async () => {
    expect(await (await get('/v1/files/a/b/c.txt')).json()).toEqual({ path: 'a/b/c.txt' });
    expect(await (await get('/v1/opt')).json()).toEqual({ id: null });
    expect(await (await get('/v1/opt/9')).json()).toEqual({ id: '9' });
  });

  it('answers 404 for unknown routes', async () => {
    expect((await get('/v1/does-not-exist')).status).toBe(404);
  });
});

describe('auth levels', () => {
  it('requires a key for function level, from the code query or x-functions-key', async () => {
    expect((await get('/v1/secret')).status).toBe(401);
    expect((await get('/v1/secret?code=wrong')).status).toBe(401);
    const byQuery = await get(`/v1/secret?code=${FUNCTION_KEY}`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toBe('function level ok');
    expect((await get('/v1/secret', { headers: { 'x-functions-key': FUNCTION_KEY } })).status).toBe(200);
    expect((await get('/v1/secret', { headers: { 'x-functions-key': MASTER_KEY } })).status).toBe(200);
  });

  it('requires the master key for admin level', async () => {
    expect((await get('/v1/admin-only')).status).toBe(401);
    expect((await get(`/v1/admin-only?code=${FUNCTION_KEY}`)).status).toBe(401);
    expect((await get('/v1/admin-only', { headers: { 'x-functions-key': MASTER_KEY } })).status).toBe(200);
  });
});

describe('responses and logs', () => {
  it('writes status, headers, cookies and body', async () => {
    const res = await get('/v1/cookie');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('set-cookie')).toBe('session=abc; Path=/; HttpOnly');
    expect(await res.text()).toBe('created');
  });

  it('answers 200 with no body when the handler returns nothing, 500 when it throws', async () => {
    const empty = await get('/v1/nothing');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    const failed = await get('/v1/throws');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('');
    await waitFor(() => host.logs().includes("Executed 'Functions.throws' (Failed"), 'the failure log');
    expect(host.logs()).toContain('handler exploded');
  });

  it('prefixes context.log/warn/error lines with the function name and invocation id', async () => {
    await get('/v1/hello/Grace');
    const match = await waitFor(() => logMatches(host, /\[[0-9T:.Z-]+\] \[hello\] \[([0-9a-f-]{36})\] hello Grace/).at(0), 'the user log line');
    const invocationId = match[1]!;
    await waitFor(() => host.logs().includes(`Executed 'Functions.hello' (Succeeded, Id=${invocationId}`), 'the invocation to end');
    const lines = host.logs().split('\n').filter((l) => l.includes(`[hello] [${invocationId}]`));
    expect(lines.some((l) => l.endsWith('a warning line'))).toBe(true);
    expect(lines.some((l) => l.endsWith('an error line'))).toBe(true);
    expect(lines.some((l) => l.endsWith('preInvocation hook saw hello'))).toBe(true);
    expect(lines.some((l) => l.includes(`Executed 'Functions.hello' (Succeeded, Id=${invocationId}`))).toBe(true);
  });

  it('ran the appStart hook before listening', () => {
    const logs = host.logs();
    expect(logs.indexOf('appStart hook ran')).toBeGreaterThanOrEqual(0);
    expect(logs.indexOf('appStart hook ran')).toBeLessThan(logs.indexOf('Functions host listening on'));
  });
});

describe('shutdown', () => {
  it('on SIGTERM finishes the running invocation, runs appTerminate hooks and exits 0', async () => {
    const slow = get('/v1/slow?ms=1500');
    await waitFor(() => host.logs().includes('slow started'), 'the slow invocation to start');
    host.kill('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slow done');
    expect(await host.exited).toBe(0);
    expect(host.logs()).toContain('appTerminate hook ran');
  });
});
