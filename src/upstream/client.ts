// The upstream client for the configured provider. Every provider is reached through the `openai` package;
// they differ in base URL, api-version query and authentication (and in the protocol they speak, see providers.ts):
//   local            <LOCAL_ASSISTANTS_URL>/v1                      Authorization: Bearer <key or local-dev-key>
//   openai           <endpoint or api.openai.com/v1>                Authorization: Bearer <key>
//   azure-openai     <endpoint>/openai/v1 (the v1 API, no api-version)  api-key header, or Entra ID bearer (cognitiveservices scope)
//   foundry          <project endpoint>/openai/v1 (no api-version)  Entra ID bearer (ai.azure.com scope); Foundry takes no keys
//   foundry-classic  <project endpoint>?api-version=v1 (Assistants) Entra ID bearer (ai.azure.com scope)
import OpenAI from 'openai';
import type { TokenCredential } from '@azure/identity';
import { azureCredential, bearerTokenProvider as getBearerTokenProvider } from '../azure-identity';
import type { Config } from '../config';
import type { Provider, UpstreamProtocol } from './providers';

export interface UpstreamDeps {
  /** Replaces the managed identity / DefaultAzureCredential chain (tests). */
  credential?: TokenCredential;
  fetch?: typeof fetch;
}

type UpstreamConfig = Pick<
  Config,
  'provider' | 'protocol' | 'ASSISTANTS_ENDPOINT' | 'ASSISTANTS_API_KEY' | 'AZURE_CLIENT_ID' | 'LOCAL_ASSISTANTS_URL'
>;

export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';
export const AI_FOUNDRY_SCOPE = 'https://ai.azure.com/.default';
export const FOUNDRY_API_VERSION = 'v1';
const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const LOCAL_DEV_KEY = 'local-dev-key';

/**
 * One request waits at most 60 s for response headers (streams are not cut off once they start);
 * two retries with the SDK's backoff cover brief 429/5xx/connection blips without holding a worker for long.
 */
const REQUEST_OPTIONS = { timeout: 60_000, maxRetries: 2 } as const;

// organization/project pinned to null so the SDK does not pick OPENAI_ORG_ID/OPENAI_PROJECT_ID up from the environment.
const commonOptions = (deps: UpstreamDeps) => ({ ...REQUEST_OPTIONS, organization: null, project: null, ...(deps.fetch ? { fetch: deps.fetch } : {}) });

export function createUpstreamClient(config: UpstreamConfig, deps: UpstreamDeps = {}): OpenAI {
  const common = commonOptions(deps);
  switch (config.provider) {
    case 'local':
      return new OpenAI({ ...common, baseURL: `${trimSlash(config.LOCAL_ASSISTANTS_URL)}/v1`, apiKey: config.ASSISTANTS_API_KEY ?? LOCAL_DEV_KEY });

    case 'azure-openai': {
      // The v1 API is the plain OpenAI surface under /openai/v1/: no AzureOpenAI client, no api-version.
      const baseURL = openAiV1Url(required(config.ASSISTANTS_ENDPOINT, 'ASSISTANTS_ENDPOINT'));
      const key = config.ASSISTANTS_API_KEY;
      return key
        ? // Azure wants the key in `api-key`; the SDK's bearer header is dropped so the key is sent once.
          new OpenAI({ ...common, baseURL, apiKey: key, defaultHeaders: { 'api-key': key, Authorization: null } })
        : new OpenAI({ ...common, baseURL, apiKey: getBearerTokenProvider(credentialFor(config, deps), COGNITIVE_SERVICES_SCOPE) });
    }

    case 'foundry':
      return new OpenAI({ ...common, baseURL: openAiV1Url(required(config.ASSISTANTS_ENDPOINT, 'ASSISTANTS_ENDPOINT')), apiKey: getBearerTokenProvider(credentialFor(config, deps), AI_FOUNDRY_SCOPE) });

    case 'foundry-classic': {
      const endpoint = required(config.ASSISTANTS_ENDPOINT, 'ASSISTANTS_ENDPOINT');
      return new OpenAI({
        ...common,
        baseURL: trimSlash(endpoint),
        defaultQuery: { 'api-version': FOUNDRY_API_VERSION },
        // An async apiKey is called before every request and sent as `Authorization: Bearer <token>`;
        // the token provider caches and refreshes the Entra ID token.
        apiKey: getBearerTokenProvider(credentialFor(config, deps), AI_FOUNDRY_SCOPE),
      });
    }

    case 'openai':
      return new OpenAI({
        ...common,
        baseURL: trimSlash(config.ASSISTANTS_ENDPOINT ?? OPENAI_DEFAULT_BASE_URL),
        apiKey: required(config.ASSISTANTS_API_KEY, 'ASSISTANTS_API_KEY'),
      });
  }
}

/**
 * The client of the copilot router's model calls. It is the upstream client, except with foundry-classic: a
 * classic project endpoint serves agents but no chat completions, which the same resource's Azure OpenAI v1 API
 * (`<origin>/openai/v1`) answers, for the same Entra ID identity.
 */
export function createChatClient(config: UpstreamConfig, deps: UpstreamDeps = {}): OpenAI {
  if (config.provider !== 'foundry-classic') return createUpstreamClient(config, deps);
  const origin = new URL(required(config.ASSISTANTS_ENDPOINT, 'ASSISTANTS_ENDPOINT')).origin;
  return new OpenAI({ ...commonOptions(deps), baseURL: `${origin}/openai/v1`, apiKey: getBearerTokenProvider(credentialFor(config, deps), COGNITIVE_SERVICES_SCOPE) });
}

export interface UpstreamDescription {
  provider: Provider;
  protocol: UpstreamProtocol;
  /** Host (and port) only: paths may name projects and queries may carry signatures. */
  host: string;
  auth: 'api-key' | 'entra-id';
  /** Only foundry-classic sends one (v1); the v1 APIs take none. */
  apiVersion?: string;
}

/** What the client talks to, safe to log: no keys, no paths, no query strings. */
export function describeUpstream(config: UpstreamConfig): UpstreamDescription {
  const { provider, protocol } = config;
  switch (provider) {
    case 'local':
      return { provider, protocol, host: new URL(config.LOCAL_ASSISTANTS_URL).host, auth: 'api-key' };
    case 'openai':
      return { provider, protocol, host: hostOf(config.ASSISTANTS_ENDPOINT ?? OPENAI_DEFAULT_BASE_URL), auth: 'api-key' };
    case 'azure-openai':
      return { provider, protocol, host: hostOf(config.ASSISTANTS_ENDPOINT), auth: config.ASSISTANTS_API_KEY ? 'api-key' : 'entra-id' };
    case 'foundry':
      return { provider, protocol, host: hostOf(config.ASSISTANTS_ENDPOINT), auth: 'entra-id' };
    case 'foundry-classic':
      return { provider, protocol, host: hostOf(config.ASSISTANTS_ENDPOINT), auth: 'entra-id', apiVersion: FOUNDRY_API_VERSION };
  }
}

/** The user-assigned identity named by AZURE_CLIENT_ID in Azure; otherwise the developer's own sign-in chain. */
function credentialFor(config: UpstreamConfig, deps: UpstreamDeps): TokenCredential {
  if (deps.credential) return deps.credential;
  return azureCredential({ clientId: config.AZURE_CLIENT_ID });
}

function required(value: string | undefined, name: string): string {
  // loadConfig already insists on these; this guards hand-built configs.
  if (!value) throw new Error(`${name} is required for this provider.`);
  return value;
}

/**
 * The OpenAI v1 surface of an Azure OpenAI resource or a Foundry project endpoint: `<endpoint>/openai/v1`.
 * An endpoint given with `/openai` or `/openai/v1` already (as the portal sometimes shows it) is completed, not doubled.
 */
export function openAiV1Url(endpoint: string): string {
  const base = trimSlash(endpoint).replace(/\/openai(\/v1)?$/, '');
  return `${base}/openai/v1`;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const hostOf = (url: string | undefined) => (url ? new URL(url).host : '');
