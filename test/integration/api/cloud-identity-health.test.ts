// A second, small stack with AUTH_MODE=cloud (allowed with the local provider, see src/config.ts), run three
// ways on the local host by restarting it with other settings:
// 1. App Service Authentication on (WEBSITE_AUTH_ENABLED=True, as the platform sets it) and Entra ID bearer
//    validation configured (a local OpenID issuer with a test key): principals and bearer tokens identify callers.
// 2. Platform authentication off: the same principals are forgeries and are refused; bearer tokens still work.
// 3. Neither: every route but health answers 401, and the app said why at startup.
// x-user-id never identifies anyone. The same stack checks that health reports a stopped mail sink.
// The host enforces its keys here (as in Azure), and the caller routes are anonymous at the host: no request below
// carries a function key, so every answer, 401s included, comes from the app's identity check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, unsignedToken, type TestIssuer } from '../../support/openid-issuer';
import { eventually, startStack, type Stack } from '../../support/stack';
import { request } from './support';

let stack: Stack;
let issuer: TestIssuer;
let mailClosed = false;
const API_APP_ID = '9a8b7c6d-0000-4000-8000-00000000a11e';

beforeAll(async () => {
  issuer = await startTestIssuer();
  stack = await startStack({
    env: { FUNCTIONS_DEFAULT_KEY: 'cloud-function-key', FUNCTIONS_MASTER_KEY: 'cloud-master-key', AUTH_MODE: 'cloud', WEBSITE_AUTH_ENABLED: 'True', AUTH_ENTRA_TENANT_ID: issuer.tenant, AUTH_ENTRA_AUDIENCE: API_APP_ID, AUTH_ENTRA_METADATA_URL: issuer.metadataUrl },
  });
}, 180_000);

/** Restarts the app with changed settings (undefined removes one). */
async function restartWith(changes: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete stack.env[name];
    else stack.env[name] = value;
  }
  await stack.host.close();
  await stack.restartHost();
}

afterAll(async () => {
  if (!stack) return;
  // stack.close() would close the mail sink a second time; close the parts one by one instead.
  await stack.host.close().catch(() => undefined);
  await stack.assistants.close().catch(() => undefined);
  if (!mailClosed) await stack.mail.close().catch(() => undefined);
  await stack.azurite.close();
  await issuer?.close();
});

const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
/** What App Service Authentication injects for a signed-in Entra ID user. */
const principal = (claims: { typ: string; val: string }[]) => Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', claims })).toString('base64');
const ALICE = principal([{ typ: OID, val: '0b5d7c1e-0000-4000-8000-00000000a11c' }, { typ: 'name', val: 'Alice' }]);
const BOB = principal([{ typ: OID, val: '0b5d7c1e-0000-4000-8000-000000000b0b' }, { typ: 'name', val: 'Bob' }]);

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  request(`${stack.api}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

const bearer = (oid: string, claims: Record<string, unknown> = {}) => issuer.sign({ aud: API_APP_ID, oid, ...claims }).then((token) => ({ authorization: `Bearer ${token}` }));

describe('cloud identity, App Service Authentication on', () => {
  it('answers 401 without a usable client principal, and ignores x-user-id', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['no identity', {}],
      ['x-user-id only (dev header)', { 'x-user-id': 'alice' }],
      ['principal that is not base64 JSON', { 'x-ms-client-principal': '%%%not-a-principal%%%' }],
      ['principal with no claims array', { 'x-ms-client-principal': Buffer.from('{"auth_typ":"aad"}').toString('base64') }],
      ['principal without a user id', { 'x-ms-client-principal': principal([{ typ: 'name', val: 'Nobody' }]) }],
      ['principal with an unusable user id', { 'x-ms-client-principal': principal([{ typ: OID, val: 'a/b#c' }]) }],
    ];
    for (const [label, headers] of attempts) {
      for (const [method, path] of [['GET', '/threads'], ['POST', '/threads'], ['GET', '/assistants']] as const) {
        const response = await call(method, path, headers, method === 'POST' ? {} : undefined);
        expect(response.status, `${label}: ${method} ${path}`).toBe(401);
        expect(response.json, `${label}: ${method} ${path}`).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        // The app answered (it sends x-request-id; the host's own refusals do not).
        expect(response.headers.get('x-request-id'), `${label}: ${method} ${path}`).toBeTruthy();
      }
    }
    // Anonymous routes stay anonymous.
    expect((await call('GET', '/openapi.json', {})).status).toBe(200);
  }, 60_000);

  it('identifies callers by their principal and keeps their threads apart', async () => {
    const created = await call('POST', '/threads', { 'x-ms-client-principal': ALICE }, { metadata: { via: 'cloud' } });
    expect(created.status).toBe(201);
    const threadId = created.json.id as string;

    expect((await call('GET', `/threads/${threadId}`, { 'x-ms-client-principal': ALICE })).json).toEqual(created.json);
    expect((await call('GET', '/threads', { 'x-ms-client-principal': ALICE })).json.data.map((t: { id: string }) => t.id)).toEqual([threadId]);

    const asBob = await call('GET', `/threads/${threadId}`, { 'x-ms-client-principal': BOB });
    const missing = await call('GET', '/threads/thread_NoSuchThread0000000000', { 'x-ms-client-principal': BOB });
    expect(asBob.status).toBe(404);
    expect(asBob.text).toBe(missing.text);
    expect((await call('GET', '/threads', { 'x-ms-client-principal': BOB })).json.data).toEqual([]);
    // Naming alice's object id in the dev header gets nobody anywhere in cloud mode.
    expect((await call('GET', `/threads/${threadId}`, { 'x-user-id': '0b5d7c1e-0000-4000-8000-00000000a11c' })).status).toBe(401);

    // A conversation works end to end for the signed-in user.
    const answered = await call('POST', `/threads/${threadId}/messages?wait=30`, { 'x-ms-client-principal': ALICE }, { content: 'hello from the cloud' });
    expect(answered.status).toBe(200);
    expect(answered.json.reply[0].content[0].text.value).toBe('Echo: hello from the cloud');
    expect((await call('GET', `/threads/${threadId}/runs/${answered.json.run.id}`, { 'x-ms-client-principal': BOB })).status).toBe(404);
  }, 60_000);
});

describe('cloud identity with Entra ID bearer tokens', () => {
  it('identifies callers by the token oid, and refuses expired, foreign, forged and unsigned tokens', async () => {
    const carol = await bearer('0b5d7c1e-0000-4000-8000-0000000ca201');
    const created = await call('POST', '/threads', carol, {});
    expect(created.status).toBe(201);
    expect((await call('GET', `/threads/${created.json.id}`, carol)).status).toBe(200);
    expect((await call('GET', `/threads/${created.json.id}`, { 'x-ms-client-principal': ALICE })).status).toBe(404);

    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await bearer('0b5d7c1e-0000-4000-8000-0000000ca201', { exp: now - 600 }),
      await bearer('0b5d7c1e-0000-4000-8000-0000000ca201', { aud: 'another-api' }),
      await bearer('0b5d7c1e-0000-4000-8000-0000000ca201', { iss: 'https://login.microsoftonline.com/other/v2.0' }),
      { authorization: `Bearer ${await issuer.sign({ aud: API_APP_ID, oid: 'x' }, { key: await issuer.foreignKey() })}` },
      { authorization: `Bearer ${unsignedToken({ iss: issuer.issuer, aud: API_APP_ID, oid: 'x', exp: now + 600 })}` },
    ];
    for (const headers of refused) {
      const response = await call('GET', '/threads', headers);
      expect(response.status).toBe(401);
      expect(response.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  }, 60_000);
});

describe('cloud identity, App Service Authentication off', () => {
  beforeAll(async () => {
    await restartWith({ WEBSITE_AUTH_ENABLED: 'False' });
  }, 120_000);

  it('refuses forged principals, keeps accepting bearer tokens', async () => {
    for (const [method, path] of [['GET', '/threads'], ['POST', '/threads'], ['GET', '/assistants']] as const) {
      const forged = await call(method, path, { 'x-ms-client-principal': ALICE }, method === 'POST' ? {} : undefined);
      expect(forged.status, `${method} ${path}`).toBe(401);
      expect(forged.json.error.message).toContain('Bearer');
    }
    const dave = await bearer('0b5d7c1e-0000-4000-8000-00000000da4e');
    expect((await call('GET', '/threads', dave)).status).toBe(200);
  }, 60_000);

  it('with no bearer validation either, answers 401 on every route but health, and said why at startup', async () => {
    await restartWith({ AUTH_ENTRA_TENANT_ID: undefined, AUTH_ENTRA_AUDIENCE: undefined, AUTH_ENTRA_METADATA_URL: undefined });
    await eventually(async () => (/every route but health answers 401/.test(stack.host.logs()) ? true : undefined), { timeoutMs: 20_000 });
    for (const [method, path] of [['GET', '/threads'], ['GET', '/openapi.json'], ['GET', '/assistants'], ['POST', '/maintenance/sweep']] as const) {
      const response = await call(method, path, { 'x-ms-client-principal': ALICE, 'x-user-id': 'alice' });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect((await call('GET', '/health', {})).status).toBe(200);
  }, 120_000);
});

describe('health', () => {
  it('reports the calendar MCP server unavailable, still 200, once it is taken down through its admin route', async () => {
    const down = await fetch(new URL('/_admin/down', stack.mcp.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 3600 }) });
    expect(down.status).toBe(202);
    try {
      const report = await eventually(async () => {
        const response = await request(`${stack.api}/health`);
        return response.json.checks.mcp_calendar?.status === 'unavailable' ? response : undefined;
      });
      expect(report.status).toBe(200);
      expect(report.json.status).toBe('ok');
      expect(report.json.checks.mcp_calendar).toEqual({ status: 'unavailable', latencyMs: expect.any(Number), error: expect.any(String), warning: expect.stringContaining('"calendar"') });
      expect(JSON.stringify(report.json.checks.mcp_calendar)).not.toMatch(/http|127\.0\.0\.1/);
    } finally {
      await stack.mcp.up();
    }
    await eventually(async () => ((await request(`${stack.api}/health`)).json.checks.mcp_calendar?.status === 'up' ? true : undefined));
  }, 60_000);

  it('answers 200 while every dependency is up, then 503 naming email once the mail sink is down', async () => {
    const healthy = await request(`${stack.api}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.json.status).toBe('ok');
    expect(Object.fromEntries(Object.entries(healthy.json.checks as Record<string, { status: string }>).map(([name, check]) => [name, check.status]))).toEqual({
      storage: 'up',
      upstream: 'up',
      email: 'up',
      market_data: 'up',
      mcp_calendar: 'up',
    });
    expect(healthy.json.checks.market_data.source).toBe('fixture');
    // The scheduler's calendar MCP server (local/mcp-server, MCP_CALENDAR_URL): listed, all three exposed tools.
    expect(healthy.json.checks.mcp_calendar.tools).toBe(3);

    await stack.mail.close();
    mailClosed = true;
    const unhealthy = await request(`${stack.api}/health`);
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.json).toEqual({
      status: 'unhealthy',
      checks: {
        storage: { status: 'up', latencyMs: expect.any(Number) },
        upstream: { status: 'up', latencyMs: expect.any(Number) },
        email: { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) },
        market_data: expect.objectContaining({ status: 'up', source: 'fixture' }),
        mcp_calendar: expect.objectContaining({ status: 'up', tools: 3 }),
      },
    });
    // The reason is short and leaks neither the Logic App URL nor its signature.
    expect(unhealthy.json.checks.email.error).not.toMatch(/http|sig=|127\.0\.0\.1/);
  }, 60_000);
});
