// Entra ID bearer tokens validated in the app with jose against a local OpenID issuer (test key, port 0).
import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetBearerCache } from '../../../src/api/auth/entra-bearer';
import { resolveCaller } from '../../../src/api/identity';
import { routeSpecs } from '../../../src/api/routes';
import type { Config } from '../../../src/config';
import { startTestIssuer, unsignedToken, type TestIssuer } from '../../support/openid-issuer';
import { cloudConfig, errorOf, invoke, principalHeader, spyRoute } from './support';

const API_APP_ID = '9a8b7c6d-0000-4000-8000-00000000a11e';
const ALICE_OID = '0b5d7c1e-0000-4000-8000-00000000a11c';
let issuer: TestIssuer;
let config: Config;

beforeAll(async () => {
  issuer = await startTestIssuer();
  // Platform authentication off: only the app's own token validation identifies callers.
  config = { ...cloudConfig({ AUTH_ENTRA_TENANT_ID: issuer.tenant, AUTH_ENTRA_AUDIENCE: API_APP_ID, AUTH_ENTRA_METADATA_URL: issuer.metadataUrl }), WEBSITE_AUTH_ENABLED: undefined };
});
afterAll(async () => {
  await issuer?.close();
});
beforeEach(() => resetBearerCache());

const withBearer = (token: string, extra: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: 'http://localhost/api/threads', headers: { authorization: `Bearer ${token}`, ...extra } });
const alice = (claims: Record<string, unknown> = {}) => issuer.sign({ aud: API_APP_ID, oid: ALICE_OID, name: 'Alice', tid: issuer.tenant, ...claims });

async function listThreadsWith(token: string, extra: Record<string, string> = {}) {
  const { route, handler } = spyRoute(routeSpecs.listThreads);
  const result = await invoke(route, { path: '/threads', headers: { authorization: `Bearer ${token}`, ...extra } }, config);
  return { result, handler };
}

describe('Entra ID bearer tokens', () => {
  it('accept a valid token and identify the caller by oid', async () => {
    expect(await resolveCaller(withBearer(await alice()), config)).toEqual({ userId: ALICE_OID, name: 'Alice', source: 'entra-bearer' });
    const { result, handler } = await listThreadsWith(await alice());
    expect(result.status).toBe(200);
    expect(handler.mock.calls[0]![0]).toMatchObject({ user: { userId: ALICE_OID, source: 'entra-bearer' } });
  });

  it('accept the api://<app id> audience too', async () => {
    expect((await resolveCaller(withBearer(await alice({ aud: `api://${API_APP_ID}` })), config))?.userId).toBe(ALICE_OID);
  });

  it.each([
    ['expired', () => alice({ exp: Math.floor(Date.now() / 1000) - 600 }), 'expired'],
    ['for another audience', () => alice({ aud: 'ffffffff-0000-4000-8000-000000000000' }), 'not issued for this API'],
    ['from another issuer', () => alice({ iss: 'https://login.microsoftonline.com/evil-tenant/v2.0' }), 'not issued for this API'],
    ['signed with a key the issuer does not publish', async () => issuer.sign({ aud: API_APP_ID, oid: ALICE_OID }, { key: await issuer.foreignKey() }), 'signature'],
    ['unsigned (alg: none)', async () => unsignedToken({ iss: issuer.issuer, aud: API_APP_ID, oid: ALICE_OID, exp: Math.floor(Date.now() / 1000) + 600 }), ''],
    ['without an oid', () => issuer.sign({ aud: API_APP_ID }), ''],
    ['not a JWT at all', async () => 'not-a-jwt', ''],
  ])('refuse a token %s with 401 and never call the handler', async (_, make, reason) => {
    const token = await make();
    expect(await resolveCaller(withBearer(token), config)).toBeNull();
    const { result, handler } = await listThreadsWith(token);
    expect(result.status).toBe(401);
    expect(errorOf(result)).toEqual({ code: 'unauthorized', message: expect.stringContaining(reason) });
    expect(result.text).not.toContain(token.slice(0, 40));
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuse an HS256 token signed with the public key as a secret (algorithm confusion)', async () => {
    const token = await issuer.sign({ aud: API_APP_ID, oid: ALICE_OID }, { alg: 'HS256', key: new TextEncoder().encode('x'.repeat(64)) });
    expect(await resolveCaller(withBearer(token), config)).toBeNull();
  });

  it('a forged principal next to no token is refused while the platform is off', async () => {
    const forged = principalHeader([{ typ: 'oid', val: ALICE_OID }]);
    const { route, handler } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { 'x-ms-client-principal': forged } }, config);
    expect(result.status).toBe(401);
    expect(errorOf(result).message).toContain('Bearer');
    expect(handler).not.toHaveBeenCalled();
  });

  it('a bad token is not rescued by a principal header', async () => {
    const forged = principalHeader([{ typ: 'oid', val: ALICE_OID }]);
    const platformOn = { ...config, WEBSITE_AUTH_ENABLED: 'True' };
    const request = withBearer(await alice({ aud: 'someone-else' }), { 'x-ms-client-principal': forged });
    expect(await resolveCaller(request, platformOn)).toBeNull();
  });

  it('fetch the metadata once and cache the keys', async () => {
    const before = issuer.hits.get(new URL(issuer.metadataUrl).pathname) ?? 0;
    for (let i = 0; i < 3; i++) expect(await resolveCaller(withBearer(await alice()), config)).not.toBeNull();
    expect((issuer.hits.get(new URL(issuer.metadataUrl).pathname) ?? 0) - before).toBe(1);
  });

  it('answer 401 (and recover later) when the issuer cannot be reached', async () => {
    const unreachable = { ...config, AUTH_ENTRA_METADATA_URL: 'http://127.0.0.1:1/none/.well-known/openid-configuration' };
    const { route } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads', headers: { authorization: `Bearer ${await alice()}` } }, unreachable);
    expect(result.status).toBe(401);
    expect(errorOf(result).message).toContain('try again');
  });
});
