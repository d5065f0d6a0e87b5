import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadConfig } from '../../../src/config';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE, createUpstreamClient, describeUpstream, openAiV1Url } from '../../../src/upstream';
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

  it('azure-openai with a key: the v1 API (/openai/v1), no api-version, the key in api-key and no bearer', async () => {
    const client = createUpstreamClient(config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: `${server.url}/`, ASSISTANTS_API_KEY: 'aoai-key' }));
    await client.responses.retrieve('resp_1');
    expect(last().method).toBe('GET');
    expect(last().path).toBe('/openai/v1/responses/resp_1');
    expect(last().query.has('api-version')).toBe(false);
    expect(last().headers['api-key']).toBe('aoai-key');
    expect(last().headers.authorization).toBeUndefined();
  });

  it("azure-openai with the training's .env names: Responses on the v1 API, OPENAI_VERSION not sent", async () => {
    const cfg = loadConfig({ OPENAI_URI: `${server.url}/openai/v1/`, OPENAI_KEY: 'training-key', OPENAI_VERSION: '2024-05-01-preview', OPENAI_GPT_DEPLOYMENT: 'gpt-4o-mini', AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(cfg).toMatchObject({ provider: 'azure-openai', protocol: 'responses', MODEL_DEPLOYMENT: 'gpt-4o-mini' });
    await createUpstreamClient(cfg).responses.retrieve('resp_1');
    // An endpoint given with its /openai/v1 suffix is not doubled.
    expect(last().path).toBe('/openai/v1/responses/resp_1');
    expect(last().query.has('api-version')).toBe(false);
    expect(last().headers['api-key']).toBe('training-key');
  });

  it('azure-openai keyless: Entra ID bearer for the Cognitive Services scope, no api-version', async () => {
    const { credential, scopes } = recordingCredential();
    const client = createUpstreamClient(config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: server.url }), { credential });
    await client.conversations.create({});
    expect(last().path).toBe('/openai/v1/conversations');
    expect(last().query.has('api-version')).toBe(false);
    expect(last().headers.authorization).toBe('Bearer entra-token-123');
    expect(last().headers['api-key']).toBeUndefined();
    expect(scopes).toContain(COGNITIVE_SERVICES_SCOPE);
  });

  it("foundry: the project endpoint's /openai/v1, no api-version, Entra ID bearer for the AI Foundry scope", async () => {
    const { credential, scopes } = recordingCredential();
    const client = createUpstreamClient(config({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/my-project` }), { credential });
    await client.responses.retrieve('resp_1');
    await client.conversations.create({});
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/projects/my-project/openai/v1/responses/resp_1', 'POST /api/projects/my-project/openai/v1/conversations']);
    for (const req of server.requests) {
      expect(req.query.has('api-version')).toBe(false);
      expect(req.headers.authorization).toBe('Bearer entra-token-123');
    }
    expect(new Set(scopes)).toEqual(new Set([AI_FOUNDRY_SCOPE]));
  });

  it('foundry-classic: project-endpoint paths, api-version=v1 on every request, Entra ID bearer for the AI Foundry scope', async () => {
    const { credential, scopes } = recordingCredential();
    const client = createUpstreamClient(
      config({ ASSISTANTS_PROVIDER: 'foundry-classic', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/my-project` }),
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
    await client.responses.retrieve('resp_1');
    expect(last().path).toBe('/v1/responses/resp_1');
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
  it('names provider, protocol, host and auth kind without keys, paths or queries', () => {
    const description = describeUpstream(
      config({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: 'https://res.services.ai.azure.com/api/projects/secret-project?sig=abc' }),
    );
    expect(description).toEqual({ provider: 'foundry', protocol: 'responses', host: 'res.services.ai.azure.com', auth: 'entra-id' });
    expect(describeUpstream(config({ ASSISTANTS_PROVIDER: 'foundry-classic', ASSISTANTS_ENDPOINT: 'https://res.services.ai.azure.com/api/projects/p' }))).toEqual({
      provider: 'foundry-classic',
      protocol: 'assistants',
      host: 'res.services.ai.azure.com',
      auth: 'entra-id',
      apiVersion: 'v1',
    });

    const keyed = describeUpstream(config({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: 'https://aoai.openai.azure.com/', ASSISTANTS_API_KEY: 'super-secret' }));
    expect(keyed).toEqual({ provider: 'azure-openai', protocol: 'responses', host: 'aoai.openai.azure.com', auth: 'api-key' });
    expect(JSON.stringify(keyed)).not.toContain('super-secret');
    expect(describeUpstream(config({ UPSTREAM_PROTOCOL: 'assistants' }))).toMatchObject({ provider: 'local', protocol: 'assistants' });
  });
});

describe('openAiV1Url', () => {
  it('completes an Azure OpenAI or Foundry endpoint to its /openai/v1 surface without doubling it', () => {
    for (const endpoint of ['https://r.openai.azure.com', 'https://r.openai.azure.com/', 'https://r.openai.azure.com/openai', 'https://r.openai.azure.com/openai/v1/']) {
      expect(openAiV1Url(endpoint)).toBe('https://r.openai.azure.com/openai/v1');
    }
    expect(openAiV1Url('https://r.services.ai.azure.com/api/projects/p')).toBe('https://r.services.ai.azure.com/api/projects/p/openai/v1');
  });
});
