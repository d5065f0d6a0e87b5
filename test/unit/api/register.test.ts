import type { HttpFunctionOptions } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionRouteOf, registerRoutes } from '../../../src/api/register';
import { json } from '../../../src/api/results';
import { bindRoute, defineRoute, type Route } from '../../../src/api/route';
import { allRouteSpecs, platformRoutes, routeSpecs, unmatchedRoutes } from '../../../src/api/routes';
import { devConfig } from './support';

const deps = { getConfig: () => devConfig() };
const answer = async () => json(200, {});
const bindAll = (): Route[] => allRouteSpecs.map((spec) => bindRoute(spec, answer));

function recordingApp() {
  const registered = new Map<string, HttpFunctionOptions>();
  return { registered, app: { http: (name: string, options: HttpFunctionOptions) => void registered.set(name, options) } };
}

describe('registration', () => {
  it('registers each route under its name with its Functions route, method and auth level', () => {
    const { app, registered } = recordingApp();
    registerRoutes(app, bindAll(), deps);
    expect([...registered.keys()].sort()).toEqual(allRouteSpecs.map((s) => s.name).sort());
    // host.json's routePrefix is "" (the web chat is at the root): every API route carries api/ itself.
    expect(registered.get('getRun')).toMatchObject({ route: 'api/threads/{threadId}/runs/{runId}', methods: ['GET'], authLevel: 'anonymous' });
    expect(registered.get('corsPreflight')).toMatchObject({ route: 'api/{*path}', methods: ['OPTIONS'], authLevel: 'anonymous' });
    expect(registered.get('unmatchedPost')).toMatchObject({ route: 'api/{*path}', methods: ['POST'], authLevel: 'anonymous' });
    expect(registered.get('runSweep')).toMatchObject({ route: 'api/maintenance/sweep', methods: ['POST'], authLevel: 'admin' });
    expect(registered.get('getSweep')).toMatchObject({ route: 'api/maintenance/sweeps/{sweepId}', methods: ['GET'], authLevel: 'admin' });
    expect(typeof registered.get('health')!.handler).toBe('function');
  });

  it('no Functions route collides with the host-reserved admin/ and runtime/ segments', () => {
    for (const spec of allRouteSpecs) expect(functionRouteOf(spec)).not.toMatch(/^(admin|runtime)\b/i);
  });

  it('refuses to register a name twice', () => {
    const { app } = recordingApp();
    expect(() => registerRoutes(app, [bindRoute(routeSpecs.getRun, answer), bindRoute(routeSpecs.getRun, answer)], deps)).toThrow(/twice/);
  });

  it('provides the platform routes itself', () => {
    expect(platformRoutes.map((r) => r.spec)).toEqual([routeSpecs.openapi, routeSpecs.corsPreflight, ...unmatchedRoutes.map((r) => r.spec)]);
  });
});

describe('defineRoute', () => {
  const base = { method: 'GET', authLevel: 'anonymous', identity: 'none', summary: 's', tags: [], responses: { 200: { description: 'ok' } } } as const;

  it('requires params to match the path placeholders', () => {
    expect(() => defineRoute({ ...base, name: 'a', path: '/things/{thingId}' })).toThrow(/thingId/);
    expect(() => defineRoute({ ...base, name: 'b', path: '/things', params: z.object({ thingId: z.string() }) })).toThrow(/thingId/);
    expect(defineRoute({ ...base, name: 'c', path: '/things/{thingId}', params: z.object({ thingId: z.string() }) }).path).toBe('/things/{thingId}');
  });

  it('refuses host-reserved names and paths, JSON-and-form bodies and relative paths', () => {
    expect(() => defineRoute({ ...base, name: 'adminSweep', path: '/x' })).toThrow(/reserved/);
    expect(() => defineRoute({ ...base, name: 'x', path: '/admin/sweep' })).toThrow(/reserved/);
    expect(() => defineRoute({ ...base, name: 'y', path: '/y', body: z.object({}), form: z.object({}) })).toThrow(/not both/);
    expect(() => defineRoute({ ...base, name: 'z', path: 'z' })).toThrow(/start with/);
  });
});
