import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { resolveCaller } from '../../../src/api/identity';
import { allRouteSpecs, routeSpecs } from '../../../src/api/routes';
import type { Config } from '../../../src/config';
import { cloudConfig, devConfig, errorOf, invoke, principalHeader, spyRoute } from './support';

const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const oid = '6f1d2c8e-4b1a-4c55-9a0e-2f5b8d1c7e90';
const cloud = cloudConfig();
const dev = devConfig();
const requiredSpecs = allRouteSpecs.filter((s) => s.identity === 'required');

const requestWith = (headers: Record<string, string>) => new HttpRequest({ method: 'GET', url: 'http://localhost/api/threads', headers });

describe('cloud mode (App Service Authentication)', () => {
  it('reads the user id from the objectidentifier claim and the name from name_typ', async () => {
    const header = principalHeader([
      { typ: OID, val: oid },
      { typ: 'name', val: 'Alice Example' },
    ]);
    expect(await resolveCaller(requestWith({ 'x-ms-client-principal': header, 'x-ms-client-principal-id': 'other-id' }), cloud)).toEqual({
      userId: oid,
      name: 'Alice Example',
      source: 'app-service-auth',
    });
  });

  it('accepts the short oid claim type', async () => {
    const header = principalHeader([{ typ: 'oid', val: oid }]);
    expect((await resolveCaller(requestWith({ 'x-ms-client-principal': header }), cloud))?.userId).toBe(oid);
  });

  it('falls back to x-ms-client-principal-id when no object id claim is present', async () => {
    const header = principalHeader([{ typ: 'name', val: 'Bob' }]);
    const caller = await resolveCaller(requestWith({ 'x-ms-client-principal': header, 'x-ms-client-principal-id': 'google-1234' }), cloud);
    expect(caller).toEqual({ userId: 'google-1234', name: 'Bob', source: 'app-service-auth' });
  });

  it.each([
    ['no principal header', {}],
    ['only the id header (no principal)', { 'x-ms-client-principal-id': oid }],
    ['a principal that is not base64 JSON', { 'x-ms-client-principal': '%%%not-base64%%%' }],
    ['a principal without claims', { 'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad' })).toString('base64') }],
    ['a principal without any user id', { 'x-ms-client-principal': principalHeader([{ typ: 'name', val: 'Nobody' }]) }],
    ['a user id unusable as a storage key', { 'x-ms-client-principal': principalHeader([{ typ: 'oid', val: 'a/b#c' }]) }],
    ['only a dev header', { 'x-user-id': 'alice' }],
    ['a principal naming no identity provider (auth_typ)', { 'x-ms-client-principal': principalHeader([{ typ: 'oid', val: oid }], { auth_typ: undefined }) }],
  ])('rejects %s', async (_, headers) => {
    expect(await resolveCaller(requestWith(headers as Record<string, string>), cloud)).toBeNull();
  });

  it.each(requiredSpecs.map((s) => [s.name, s] as const))('%s answers 401 without a principal and never calls the handler', async (_, spec) => {
    const { route, handler } = spyRoute(spec);
    const path = spec.path.replace('{threadId}', 'thread_abc').replace('{runId}', 'run_abc').replace('{fileId}', 'file-abc');
    const result = await invoke(route, { path, headers: { 'x-user-id': 'alice' } }, cloud);
    expect(result.status).toBe(401);
    expect(errorOf(result).code).toBe('unauthorized');
    expect(handler).not.toHaveBeenCalled();
  });

  it('401 comes before validation, so anonymous callers learn nothing about inputs', async () => {
    const { route, handler } = spyRoute(routeSpecs.postMessage);
    const result = await invoke(route, { path: '/threads/bad/messages', body: 'not json', headers: { 'content-type': 'application/json' } }, cloud);
    expect(result.status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes the caller to the handler', async () => {
    const { route, handler } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { 'x-ms-client-principal': principalHeader([{ typ: OID, val: oid }]) } }, cloud);
    expect(result.status).toBe(200);
    expect(handler.mock.calls[0]![0]).toMatchObject({ user: { userId: oid, source: 'app-service-auth' } });
  });

  it('routes without identity run for anonymous callers with user null', async () => {
    const { route, handler } = spyRoute(routeSpecs.openapi);
    const result = await invoke(route, { path: '/openapi.json' }, cloud);
    expect(result.status).toBe(200);
    expect(handler.mock.calls[0]![0]).toMatchObject({ user: null });
  });
});

describe('cloud mode with App Service Authentication off (WEBSITE_AUTH_ENABLED not True)', () => {
  const forged = { 'x-ms-client-principal': principalHeader([{ typ: OID, val: oid }]) };

  it.each([['unset', undefined], ['False', 'False'], ['garbage', 'yes please']])('refuses a forged principal when it is %s', async (_, value) => {
    const config = cloudConfig(value === undefined ? {} : { WEBSITE_AUTH_ENABLED: value });
    const off = value === undefined ? { ...config, WEBSITE_AUTH_ENABLED: undefined } : config;
    expect(await resolveCaller(requestWith(forged), off)).toBeNull();
    const { route, handler } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: forged }, off);
    expect(result.status).toBe(401);
    expect(errorOf(result)).toEqual({ code: 'unauthorized', message: expect.stringContaining('App Service Authentication is off') });
    expect(handler).not.toHaveBeenCalled();
  });

  it.each(allRouteSpecs.filter((s) => !['health', 'corsPreflight'].includes(s.name)).map((s) => [s.name, s] as const))('%s answers 401 when no identity source exists', async (_, spec) => {
    const off = cloudConfig({ WEBSITE_AUTH_ENABLED: 'False' });
    const { route, handler } = spyRoute(spec);
    const path = spec.path.replace('{threadId}', 'thread_abc').replace('{runId}', 'run_abc').replace('{fileId}', 'file-abc');
    const result = await invoke(route, { path, headers: forged }, off);
    expect(result.status).toBe(401);
    expect(errorOf(result).code).toBe('unauthorized');
    expect(handler).not.toHaveBeenCalled();
  });

  it('health still answers', async () => {
    const { route, handler } = spyRoute(routeSpecs.health);
    const result = await invoke(route, { path: '/health' }, cloudConfig({ WEBSITE_AUTH_ENABLED: 'False' }));
    expect(result.status).toBe(200);
    expect(handler).toHaveBeenCalled();
  });
});

describe('the maintenance route (admin key)', () => {
  const sweep = (config: Config, headers: Record<string, string> = {}, query = '') => {
    const spy = spyRoute(routeSpecs.runSweep);
    return invoke(spy.route, { path: `/maintenance/sweep${query}`, headers }, config).then((result) => ({ result, handler: spy.handler }));
  };
  const KEY = 'a-long-admin-key-123';

  it('refuses in dev mode without a configured key, even when one is presented', async () => {
    const { result, handler } = await sweep(devConfig(), { 'x-functions-key': 'anything-at-all', 'x-user-id': 'alice' });
    expect(result.status).toBe(401);
    expect(errorOf(result).message).toContain('ADMIN_KEY');
    expect(handler).not.toHaveBeenCalled();
  });

  it('with ADMIN_KEY, needs exactly that key (header or ?code=)', async () => {
    const config = devConfig({ ADMIN_KEY: KEY });
    expect((await sweep(config)).result.status).toBe(401);
    expect((await sweep(config, { 'x-functions-key': `${KEY}x` })).result.status).toBe(401);
    expect((await sweep(config, { 'x-functions-key': KEY })).result.status).toBe(200);
    expect((await sweep(config, {}, `?code=${KEY}`)).result.status).toBe(200);
  });

  it('in Azure, relies on the host having checked its master key but still needs one presented', async () => {
    const config = cloudConfig({ WEBSITE_INSTANCE_ID: 'abc123' });
    expect((await sweep(config)).result.status).toBe(401);
    expect((await sweep(config, { 'x-functions-key': 'host-checked-master-key' })).result.status).toBe(200);
  });

  it("a requested sweep's status needs the admin key too", async () => {
    const config = devConfig({ ADMIN_KEY: KEY });
    const get = async (headers: Record<string, string>) => {
      const spy = spyRoute(routeSpecs.getSweep);
      return invoke(spy.route, { method: 'GET', path: '/maintenance/sweeps/sweep_0123456789abcdef0123456789abcdef', headers }, config);
    };
    expect((await get({ 'x-user-id': 'alice' })).status).toBe(401);
    expect((await get({ 'x-functions-key': KEY })).status).toBe(200);
  });
});

describe('dev mode (x-user-id)', () => {
  it('takes the user from x-user-id', async () => {
    expect(await resolveCaller(requestWith({ 'x-user-id': 'alice.smith@example.com' }), dev)).toEqual({ userId: 'alice.smith@example.com', source: 'dev-header' });
  });

  it('ignores App Service principals, which only the cloud platform can vouch for', async () => {
    expect(await resolveCaller(requestWith({ 'x-ms-client-principal': principalHeader([{ typ: 'oid', val: oid }]) }), dev)).toBeNull();
  });

  it.each(['', 'has space', 'a'.repeat(129), 'semi;colon', 'slash/'])('rejects x-user-id %j', async (value) => {
    expect(await resolveCaller(requestWith({ 'x-user-id': value }), dev)).toBeNull();
  });

  it('answers 401 telling the developer to send x-user-id', async () => {
    const { route, handler } = spyRoute(routeSpecs.getThread);
    const result = await invoke(route, { path: '/threads/thread_abc' }, dev);
    expect(result.status).toBe(401);
    expect(errorOf(result)).toEqual({ code: 'unauthorized', message: expect.stringContaining('x-user-id') });
    expect(handler).not.toHaveBeenCalled();
  });

  it('explains a malformed x-user-id', async () => {
    const { route } = spyRoute(routeSpecs.getThread);
    const result = await invoke(route, { path: '/threads/thread_abc', headers: { 'x-user-id': 'bad user' } }, dev);
    expect(result.status).toBe(401);
    expect(errorOf(result).message).toContain('1–128 characters');
  });
});
