// The web chat served by the Function app itself (src/functions/web-page.ts) in the local host, from the files
// `npm run build` put in dist/web: the page at the root, its hashed assets cached for good, the API still under
// /api answering JSON; with App Service Authentication on, a signed-out visitor of the page is sent to sign in
// while the API keeps answering 401 JSON.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../local/assistants-server';
import { startFunctionsHost, type RunningFunctionsHost } from '../../local/functions-host';
import { stackProtocol } from '../../local/stack';
import { useAzurite } from '../support/azurite';

const root = path.resolve(__dirname, '../..');
const azurite = useAzurite();
let assistants: RunningAssistantsServer;
beforeAll(async () => {
  assistants = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await assistants?.close();
});

function useHost(extra: Record<string, string>): () => RunningFunctionsHost {
  let host: RunningFunctionsHost | undefined;
  beforeAll(async () => {
    const env = { ASSISTANTS_PROVIDER: 'local', UPSTREAM_PROTOCOL: stackProtocol(), AzureWebJobsStorage: azurite.current.connectionString, LOCAL_ASSISTANTS_URL: assistants.url, EMAIL_LOGIC_APP_URL: '', ...extra };
    host = await startFunctionsHost({ appPath: path.join(root, 'dist/main.js'), scriptRoot: root, env });
  }, 60_000);
  afterAll(async () => {
    await host?.close();
  });
  return () => host!;
}

const CSP = /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/;

describe('the web chat served by the Function app (dev mode)', () => {
  const host = useHost({});

  it('serves the page at the root with a CSP and no-cache, and its hashed assets as immutable', async () => {
    const page = await fetch(`${host().url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    const script = /<script src="(app\.[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    const styles = /href="(styles\.[A-Z0-9]{8}\.css)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    expect(styles, html).toBeDefined();
    for (const [name, type] of [
      [script!, 'text/javascript; charset=utf-8'],
      [styles!, 'text/css; charset=utf-8'],
    ] as const) {
      const asset = await fetch(`${host().url}/${name}`);
      expect({ status: asset.status, type: asset.headers.get('content-type'), cache: asset.headers.get('cache-control') }).toEqual({ status: 200, type, cache: 'public, max-age=31536000, immutable' });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    const head = await fetch(`${host().url}/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('tells the page it runs in dev mode, answers 404 for a file it does not have, and leaves /api to the API', async () => {
    const config = await fetch(`${host().url}/config.json`);
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toEqual({ auth: 'dev', apiBase: '/api' });
    const missing = await fetch(`${host().url}/missing.js`);
    expect({ status: missing.status, body: await missing.json() }).toEqual({ status: 404, body: { error: { code: 'not_found', message: expect.any(String) } } });
    const health = await fetch(`${host().url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    // An unknown API path is the API's own 404 envelope, not the page's.
    const unknown = await fetch(`${host().url}/api/no-such-route`, { headers: { 'x-user-id': 'alice' } });
    expect({ status: unknown.status, body: await unknown.json() }).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

describe('the web chat served by the Function app (App Service Authentication on)', () => {
  const host = useHost({ AUTH_MODE: 'cloud', WEBSITE_AUTH_ENABLED: 'True', AUTH_ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001', AUTH_ENTRA_AUDIENCE: '00000000-0000-4000-8000-000000000002' });

  it('sends a signed-out visitor of the page to the Entra ID sign-in, and back to the page after it', async () => {
    const page = await fetch(`${host().url}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/.auth/login/aad?post_login_redirect_uri=%2F');
    expect(await (await fetch(`${host().url}/config.json`)).json()).toEqual({ auth: 'easyauth', apiBase: '/api' });
  });

  it('serves the page to a signed-in visitor and names them in config.json', async () => {
    const signedIn = { 'x-ms-client-principal-id': 'user-oid-1', 'x-ms-client-principal-name': 'ada@example.com' };
    const page = await fetch(`${host().url}/`, { headers: signedIn, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache, private');
    expect(await (await fetch(`${host().url}/config.json`, { headers: signedIn })).json()).toEqual({ auth: 'easyauth', apiBase: '/api', user: { userId: 'user-oid-1', name: 'ada@example.com' } });
  });

  it('keeps the API answering 401 JSON to anonymous callers, never a redirect', async () => {
    const threads = await fetch(`${host().url}/api/threads`, { redirect: 'manual' });
    expect(threads.status).toBe(401);
    expect(threads.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await threads.json()).toMatchObject({ error: { code: expect.any(String) } });
  });
});
