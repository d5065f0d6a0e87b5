// One local Assistants server per test file, SDK clients for its three URL styles, admin helpers,
// and the contract check: after the suite every recorded response must match the spec.
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, expect } from 'vitest';
import { startAssistantsServer, type AssistantsServerOptions, type RunningAssistantsServer } from '../../../local/assistants-server';
import { ContractChecker, createRecorder, type SpecName } from './contract';

export interface Harness {
  server: RunningAssistantsServer;
  url: string;
  /** Records every response for the contract check; use it for raw requests too. */
  fetch: typeof fetch;
  openai: OpenAI;
  azure: AzureOpenAI;
  foundry: OpenAI;
  /** A client with its own settings (retries, keys, ...), still recorded. */
  client(options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI;
  admin: Admin;
}

export interface Admin {
  script(body: unknown): Promise<unknown>;
  faults(body: unknown): Promise<unknown>;
  stats(): Promise<Stats>;
  advanceClock(ms: number): Promise<{ now_ms: number; offset_ms: number }>;
  reset(): Promise<void>;
}

export interface Stats {
  requests_total: number;
  by_route: Record<string, number>;
  by_run: Record<string, { calls: number; status: string; terminal_at_ms: number | null; requires_action_at_ms: number | null }>;
  by_response: Record<string, { calls: number; status: string; terminal_at_ms: number | null }>;
}

export function adminClient(url: string): Admin {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/_admin${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    script: (body) => call('POST', '/script', body),
    faults: (body) => call('POST', '/faults', body),
    stats: () => call('GET', '/stats') as Promise<Stats>,
    advanceClock: (ms) => call('POST', '/clock', { advance_ms: ms }) as Promise<{ now_ms: number; offset_ms: number }>,
    reset: async () => void (await call('POST', '/reset')),
  };
}

export const AZURE_API_VERSION = '2024-05-01-preview';

/** Which spec checks a suite's responses: one of them, or `both` (Responses-protocol paths → Responses spec, the rest → Assistants). */
export type SuiteSpec = SpecName | 'both';

const RESPONSES_PATH = /\/(responses|conversations|containers)(\/|$)|\/vector_stores\/[^/]+\/search$/;

export function useAssistantsServer(options: AssistantsServerOptions = {}, spec: SuiteSpec = 'assistants'): Harness {
  const harness = {} as Harness;
  const recorder = createRecorder();
  beforeAll(async () => {
    const server = await startAssistantsServer(options);
    const common = { fetch: recorder.fetch, maxRetries: 0, timeout: 30_000 };
    Object.assign(harness, {
      server,
      url: server.url,
      fetch: recorder.fetch,
      openai: new OpenAI({ ...common, baseURL: `${server.url}/v1`, apiKey: 'sk-local' }),
      azure: new AzureOpenAI({ ...common, endpoint: server.url, apiKey: 'azure-key', apiVersion: AZURE_API_VERSION }),
      foundry: new OpenAI({ ...common, baseURL: `${server.url}/api/projects/local-project`, apiKey: 'entra-token', defaultQuery: { 'api-version': 'v1' } }),
      client: (extra = {}) => new OpenAI({ ...common, baseURL: `${server.url}/v1`, apiKey: 'sk-local', ...extra }),
      admin: adminClient(server.url),
    } satisfies Harness);
  });
  afterAll(async () => {
    await harness.server?.close();
    const records = await recorder.settled();
    const assistants = spec === 'responses' ? null : new ContractChecker('assistants');
    const responses = spec === 'assistants' ? null : new ContractChecker('responses');
    const checkerFor = (url: string) => (spec === 'both' ? (RESPONSES_PATH.test(new URL(url).pathname) ? responses! : assistants!) : (assistants ?? responses!));
    const findings = records.flatMap((r) => checkerFor(r.url).check(r));
    expect(findings, 'responses that do not match the spec').toEqual([]);
    expect(records.length, 'the suite recorded responses to check').toBeGreaterThan(0);
  });
  return harness;
}
