// A second, small stack with AUTH_MODE=cloud (allowed with the local provider, see src/config.ts): callers
// are identified by the App Service Authentication principal (x-ms-client-principal) only, never by
// x-user-id. The same stack checks that health reports a stopped mail sink (the send_email Logic App).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack';
import { request } from './support';

let stack: Stack;
let mailClosed = false;

beforeAll(async () => {
  stack = await startStack({ env: { AUTH_MODE: 'cloud' } });
}, 180_000);

afterAll(async () => {
  if (!stack) return;
  // stack.close() would close the mail sink a second time; close the parts one by one instead.
  await stack.host.close().catch(() => undefined);
  await stack.assistants.close().catch(() => undefined);
  if (!mailClosed) await stack.mail.close().catch(() => undefined);
  await stack.azurite.close();
});

const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
/** What App Service Authentication injects for a signed-in Entra ID user. */
const principal = (claims: { typ: string; val: string }[]) => Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', claims })).toString('base64');
const ALICE = principal([{ typ: OID, val: '0b5d7c1e-0000-4000-8000-00000000a11c' }, { typ: 'name', val: 'Alice' }]);
const BOB = principal([{ typ: OID, val: '0b5d7c1e-0000-4000-8000-000000000b0b' }, { typ: 'name', val: 'Bob' }]);

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  request(`${stack.api}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('cloud identity (AUTH_MODE=cloud)', () => {
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

describe('health', () => {
  it('answers 200 while every dependency is up, then 503 naming email once the mail sink is down', async () => {
    const healthy = await request(`${stack.api}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.json.status).toBe('ok');
    expect(Object.fromEntries(Object.entries(healthy.json.checks as Record<string, { status: string }>).map(([name, check]) => [name, check.status]))).toEqual({
      storage: 'up',
      upstream: 'up',
      email: 'up',
    });

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
      },
    });
    // The reason is short and leaks neither the Logic App URL nor its signature.
    expect(unhealthy.json.checks.email.error).not.toMatch(/http|sig=|127\.0\.0\.1/);
  }, 60_000);
});
