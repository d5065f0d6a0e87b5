// The local stack for sweep tests: Azurite (ledger, with its Files table and the lease) and the local Assistants server,
// one of each per test file; the server is reset and the ledger tables renamed for every test.
// The sweep's client goes through a recording fetch, so tests count the upstream requests (and can fail some).
// TEST_UPSTREAM_PROTOCOL (responses | assistants; default assistants) chooses the protocol the sweep runs on.
import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { loadConfig, type Config } from '../../../src/config';
import { createLogger, type LogLevel } from '../../../src/logging';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { createStorageClients, type StorageClients } from '../../../src/store/storage-clients';
import { runSweep, type SweepDeps, type SweepSummary } from '../../../src/sweep';
import { createUpstreamClient } from '../../../src/upstream';
import { UPSTREAM_PROTOCOLS, type UpstreamProtocol } from '../../../src/upstream/port';
import { useAzurite } from '../../support/azurite';

export const DEPLOYMENT = 'dep1';
export const DAY = 86_400_000;

/** What the definitions' data files are uploaded as, for the sweep (Responses keeps data files by these names). */
export const DATA_FILES_IN_USE = [`${DEPLOYMENT}~0123456789abcdef~sales__orders.csv`];

/** The protocol of this test run (a vitest project per protocol sets it). */
export const PROTOCOL: UpstreamProtocol = testProtocol(process.env.TEST_UPSTREAM_PROTOCOL);

function testProtocol(value: string | undefined): UpstreamProtocol {
  if (value === undefined || value === '') return 'assistants';
  if (!(UPSTREAM_PROTOCOLS as readonly string[]).includes(value)) throw new Error(`TEST_UPSTREAM_PROTOCOL: ${value} is not one of ${UPSTREAM_PROTOCOLS.join(', ')}`);
  return value as UpstreamProtocol;
}

export interface UpstreamCall {
  method: string;
  /** Path without the /v1 prefix, e.g. /threads/thread_abc. */
  path: string;
  status: number;
  /** The SDK's retry number of this request (x-stainless-retry-count): 0 for a first attempt. */
  retryCount: number;
}

export interface Stack {
  server: RunningAssistantsServer;
  config: Config;
  ledger: Ledger;
  storage: StorageClients;
  /** For seeding: bypasses the recording. */
  seed: OpenAI;
  /** What the sweep uses: the app's client factory over the recording fetch. */
  client: OpenAI;
  calls: UpstreamCall[];
  /** Answers a request instead of the server when it returns a Response (fault injection). */
  intercept?: (method: string, path: string) => Response | undefined;
  clockNow(): Promise<number>;
  advanceClock(ms: number): Promise<void>;
  admin(path: string, body: unknown): Promise<unknown>;
  sweep(overrides?: Partial<SweepDeps>): Promise<SweepSummary>;
  /** DELETE requests the server answered with `status`, as paths. */
  deletes(status?: number): string[];
}

export function useSweepStack(settings: Record<string, string> = {}): Stack {
  const azurite = useAzurite();
  const stack = { calls: [] as UpstreamCall[] } as Stack;

  beforeAll(async () => {
    stack.server = await startAssistantsServer({ port: 0 });
  });
  afterAll(async () => {
    await stack.server?.close();
  });

  beforeEach(async () => {
    await stack.admin('/_admin/reset', {});
    stack.calls.length = 0;
    stack.intercept = undefined;
    const prefix = `sw${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    stack.config = loadConfig({
      AzureWebJobsStorage: azurite.current.connectionString,
      ASSISTANTS_PROVIDER: 'local',
      LOCAL_ASSISTANTS_URL: stack.server.url,
      LEDGER_TABLE_PREFIX: prefix,
      DEPLOYMENT_ID: DEPLOYMENT,
      THREAD_TTL: '7d',
      FILE_TTL: '7d',
      VECTOR_STORE_TTL: '7d',
      LEDGER_RETENTION: '90d',
      // The test matrix's protocol (vitest.config.ts), as for the full stack.
      UPSTREAM_PROTOCOL: PROTOCOL,
      ...settings,
    });
    stack.storage = createStorageClients(stack.config);
    stack.ledger = createLedger(stack.config, stack.storage);
    stack.seed = createUpstreamClient(stack.config);
    stack.client = createUpstreamClient(stack.config, { fetch: recordingFetch(stack) });
  });

  stack.clockNow = async () => ((await (await fetch(`${stack.server.url}/_admin/clock`)).json()) as { now_ms: number }).now_ms;
  stack.advanceClock = async (ms) => void (await stack.admin('/_admin/clock', { advance_ms: ms }));
  stack.admin = async (path, body) => {
    const res = await fetch(`${stack.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  stack.sweep = async (overrides = {}) => {
    const now = await stack.clockNow();
    return runSweep({
      client: stack.client,
      protocol: stack.config.protocol,
      ledger: stack.ledger,
      config: stack.config,
      definedAssistantKeys: ['default', 'sales'],
      dataFileNames: async () => DATA_FILES_IN_USE,
      // The sweep's clock is the server's, so upstream timestamps and ledger times agree.
      now: () => now,
      logger: quietLogger(),
      holder: 'test',
      ...overrides,
    });
  };
  stack.deletes = (status = 200) => stack.calls.filter((c) => c.method === 'DELETE' && c.status === status).map((c) => c.path);
  return stack;
}

function recordingFetch(stack: Stack): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const path = url.pathname.replace(/^\/v1/, '');
    const response = stack.intercept?.(method, path) ?? (await fetch(input, init));
    const retryCount = Number(new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('x-stainless-retry-count') ?? 0);
    stack.calls.push({ method, path, status: response.status, retryCount });
    return response;
  };
}

export function quietLogger(level: LogLevel = 'error') {
  return createLogger({ level, sink: () => {} });
}
