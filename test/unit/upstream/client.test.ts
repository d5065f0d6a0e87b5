import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadConfig } from '../../../src/config';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE, createUpstreamClient, describeUpstream } from '../../../src/upstream';
import { startCaptureServer, type CaptureServer } from './capture-server';

/** Non-local providers also need storage settings; these tests only care about the upstream ones. */
const config = (env: Record<string, string>) => loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...env });

/** A TokenCredential that records the scopes it is asked for and hands out a recognisable token. */
function recordingCredential() {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    async getToken(requested): Promise<AccessToken> {
      scopes.push(...[requested].flat());
      return { token: 'entra-token-123', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return { credential, scopes };
}

describe('createUpstreamClient', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });
  const last = () => server.requests.at(-1)!;

  it('local: /v1 paths, the local dev key as bearer, the assistants=v2 beta header', async () => {
    const client = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url }));
    await client.beta.assistants.list();
    expect(last().path).toBe('/v1/assistants');
    expect(last().query.has('api-version')).toBe(false);
    expect(last().headers.authorization).toBe('Bearer local-dev-key');
    expect(last().headers['openai-beta']).toBe('assistants=v2');
  });

  it('azure-openai with a key: /openai paths, api-version query, api-key header and no bearer', async () => {
    const client = createUpstreamClient(
      config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: `${server.url}/`, ASSISTANTS_API_KEY: 'aoai-key', ASSISTANTS_API_VERSION: '2024-05-01-preview' }),
    );
    const thread = await client.beta.threads.create();
    expect(thread.id).toBe('thread_captured');
    expect(last().method).toBe('POST');
    expect(last().path).toBe('/openai/threads');
    expect(last().query.get('api-version')).toBe('2024-05-01-preview');
    expect(last().headers['api-key']).toBe('aoai-key');
    expect(last().headers.authorization).toBeUndefined();
    expect(last().headers['openai-beta']).toBe('assistants=v2');
  });

  it('azure-openai keyless: Entra ID bearer for the Cognitive Services scope', async () => {
    const { credential, scopes } = recordingCredential();
    const client = createUpstreamClient(config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: server.url }), { credential });
    await client.beta.assistants.list();
    expect(last().path).toBe('/openai/assistants');
    expect(last().query.get('api-version')).toBe('2024-05-01-preview');
    expect(last().headers.authorization).toBe('Bearer entra-token-123');
    expect(last().headers['api-key']).toBeUndefined();
    expect(scopes).toContain(COGNITIVE_SERVICES_SCOPE);
  });

  it('foundry: project-endpoint paths, api-version=v1 on every request, Entra ID bearer for the AI Foundry scope', async () => {
    const { credential, scopes } = recordingCredential();
    const client = createUpstreamClient(
      config({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/my-project` }),
      { credential },
    );
    await client.beta.assistants.list();
    await client.beta.threads.create();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/projects/my-project/assistants', 'POST /api/projects/my-project/threads']);
    for (const req of server.requests) {
      expect(req.query.get('api-version')).toBe('v1');
      expect(req.headers.authorization).toBe('Bearer entra-token-123');
      expect(req.headers['openai-beta']).toBe('assistants=v2');
    }
    expect(new Set(scopes)).toEqual(new Set([AI_FOUNDRY_SCOPE]));
  });

  it('openai: the configured base URL and the key as bearer, no api-version', async () => {
    const client = createUpstreamClient(config({ ASSISTANTS_PROVIDER: 'openai', ASSISTANTS_ENDPOINT: `${server.url}/v1`, ASSISTANTS_API_KEY: 'sk-test' }));
    await client.beta.assistants.list();
    expect(last().path).toBe('/v1/assistants');
    expect(last().query.has('api-version')).toBe(false);
    expect(last().headers.authorization).toBe('Bearer sk-test');
  });

  it('routes requests through an injected fetch', async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const client = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url }), { fetch: fetchSpy });
    await client.beta.assistants.list();
    expect(seen).toEqual([`${server.url}/v1/assistants`]);
  });
});

describe('describeUpstream', () => {
  it('names provider, host and auth kind without keys, paths or queries', () => {
    const description = describeUpstream(
      config({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: 'https://res.services.ai.azure.com/api/projects/secret-project?sig=abc' }),
    );
    expect(description).toEqual({ provider: 'foundry', host: 'res.services.ai.azure.com', auth: 'entra-id', apiVersion: 'v1' });

    const keyed = describeUpstream(config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: 'https://aoai.openai.azure.com/', ASSISTANTS_API_KEY: 'super-secret' }));
    expect(keyed).toMatchObject({ provider: 'azure-openai', host: 'aoai.openai.azure.com', auth: 'api-key' });
    expect(JSON.stringify(keyed)).not.toContain('super-secret');
  });
});
