// The whole local stack: in-memory Azurite, the local Assistants API server, the mail sink, and the app
// (dist/main.js) in our local Functions host as a child process. Free of any test runner, so benchmarks
// and scripts use it too; test/support/stack.ts wraps it in vitest hooks.
// The upstream protocol is the app's UPSTREAM_PROTOCOL: StackOptions.protocol, else TEST_UPSTREAM_PROTOCOL
// (each vitest project of the protocol matrix sets it), else the app's default. `script` queues the model's
// turns for a thread on whichever protocol runs: by thread id (Assistants) or by its conversation (Responses).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from './azurite';
import { startAssistantsServer } from './assistants-server';
import { startMailSink, type MailSinkOptions } from './mail-sink';
import { startMcpServer, type McpServerOptions, type RunningMcpServer } from './mcp-server/server';
import { startFunctionsHost, type RunningFunctionsHost } from './functions-host';
import { createLedger } from '../src/store/ledger';
import { createStorageClients } from '../src/store/storage-clients';
import { UPSTREAM_PROTOCOLS, type UpstreamProtocol } from '../src/upstream/port';
import { API_PREFIX } from '../src/api/prefix';

const ROOT = path.resolve(__dirname, '..');

export interface Stack {
  azurite: RunningAzurite;
  assistants: { url: string; close(): Promise<void> };
  mail: { url: string; logicAppUrl: string; close(): Promise<void> };
  /** The calendar MCP server (local/mcp-server) assistants/scheduler.json reaches through MCP_CALENDAR_URL. */
  mcp: RunningMcpServer;
  host: RunningFunctionsHost;
  /** http://127.0.0.1:<port>/api */
  api: string;
  env: Record<string, string>;
  /** The protocol the app speaks upstream. */
  protocol: UpstreamProtocol;
  /** Queues what the model does on this thread's next runs (local server turns: message, tool_calls, ...). */
  script(threadId: string, turns: unknown[]): Promise<void>;
  /** Queues the answers of the copilot router's next model calls (classification, direct answers), in order. */
  scriptChat(...answers: string[]): Promise<void>;
  /** The local server's path (under its origin) of the upstream object behind a thread: its thread, or its conversation. */
  upstreamThreadPath(threadId: string): Promise<string>;
  /** Starts the host again (after a kill) with the same settings. */
  restartHost(): Promise<RunningFunctionsHost>;
  /** Starts one more host with the same app, settings and storage (it competes for the same queues); the caller closes it. */
  startHost(): Promise<RunningFunctionsHost>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Extra app settings. */
  env?: Record<string, string>;
  /** Overrides of host.json `extensions.queues` (e.g. a small maxDequeueCount). */
  queues?: Record<string, unknown>;
  onMail?: MailSinkOptions['onMail'];
  /** Called as one of the MCP server's tools starts running (e.g. to kill the host mid-call). */
  onMcpCall?: McpServerOptions['onCall'];
  /** Sync assistants/ upstream before the host starts (default true). */
  syncAssistants?: boolean;
  /** An Azurite already started (e.g. behind a counting proxy) to use instead of a new one; the stack closes it. */
  azurite?: RunningAzurite;
  /** The upstream protocol (default: TEST_UPSTREAM_PROTOCOL, else the app's default, responses). */
  protocol?: UpstreamProtocol;
}

/** The protocol a stack runs: asked for, else the test matrix's, else the app's default. */
export function stackProtocol(options: Pick<StackOptions, 'protocol' | 'env'> = {}, env: NodeJS.ProcessEnv = process.env): UpstreamProtocol {
  const chosen = options.protocol ?? options.env?.UPSTREAM_PROTOCOL ?? env.TEST_UPSTREAM_PROTOCOL ?? 'responses';
  if (!(UPSTREAM_PROTOCOLS as readonly string[]).includes(chosen)) throw new Error(`unknown upstream protocol ${chosen} (TEST_UPSTREAM_PROTOCOL?)`);
  return chosen as UpstreamProtocol;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Whatever started is stopped again if a later step fails, so a failed setup leaks no process.
  const started: Array<() => Promise<void>> = [];
  try {
    const azurite = options.azurite ?? (await startAzurite());
    started.push(azurite.close);
    const assistants = await startAssistantsServer();
    started.push(assistants.close);
    const mail = await startMailSink({ onMail: options.onMail });
    started.push(mail.close);
    const mcp = await startMcpServer({ ...(options.onMcpCall ? { onCall: options.onMcpCall } : {}) });
    started.push(mcp.close);
    const protocol = stackProtocol(options);
    const env: Record<string, string> = {
      UPSTREAM_PROTOCOL: protocol,
      AzureWebJobsStorage: azurite.connectionString,
      LOCAL_ASSISTANTS_URL: assistants.url,
      EMAIL_LOGIC_APP_URL: mail.logicAppUrl,
      MCP_CALENDAR_URL: mcp.url,
      // Queue messages held by a killed host come back quickly.
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '3',
      ...options.env,
    };
    if (options.syncAssistants !== false) await syncAssistants(env);

    const scriptRoot = writeScriptRoot(options.queues ?? {});
    started.push(async () => rmSync(scriptRoot, { recursive: true, force: true }));
    const start = () => startFunctionsHost({ appPath: path.join(ROOT, 'dist/main.js'), scriptRoot, env, shutdownTimeoutSeconds: 2 });
    let host = await start();
    const stack: Stack = {
      azurite,
      assistants,
      mail,
      mcp,
      host,
      api: apiBaseOf(host),
      env,
      protocol,
      script: async (threadId, turns) => postScript(assistants.url, { ...(await scriptScope(protocol, env, threadId)), turns }),
      // Assistants: chat completions answer the router; Responses: unstored responses without a conversation,
      // which take the global turns.
      scriptChat: (...answers) =>
        postScript(assistants.url, protocol === 'assistants' ? { chat: answers.map((content) => ({ content })) } : { turns: answers.map((message) => ({ message })) }),
      async upstreamThreadPath(threadId) {
        const scope = await scriptScope(protocol, env, threadId);
        return scope.thread_id ? `/v1/threads/${scope.thread_id}` : `/v1/conversations/${scope.conversation_id}`;
      },
      async restartHost() {
        host = await start();
        stack.host = host;
        stack.api = apiBaseOf(host);
        return host;
      },
      startHost: start,
      async close() {
        await stack.host.close().catch(() => undefined);
        await Promise.allSettled([mail.close(), assistants.close(), mcp.close()]);
        await azurite.close();
        rmSync(scriptRoot, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/** The API's base URL: the host's own base (its routePrefix, "") and the API's route prefix. */
export function apiBaseOf(host: RunningFunctionsHost): string {
  return `${host.baseUrl}/${API_PREFIX}`;
}

/** Where the local server queues a thread's turns: the thread itself, or the conversation the ledger bound it to. */
async function scriptScope(protocol: UpstreamProtocol, env: Record<string, string>, threadId: string): Promise<Record<string, string>> {
  if (protocol === 'assistants') return { thread_id: threadId };
  const ledger = createLedger({ LEDGER_TABLE_PREFIX: env.LEDGER_TABLE_PREFIX ?? 'ledger' }, createStorageClients({ AzureWebJobsStorage: env.AzureWebJobsStorage }));
  const thread = await ledger.getThread(threadId);
  if (!thread?.conversationId) throw new Error(`thread ${threadId} has no conversation in the ledger`);
  return { conversation_id: thread.conversationId };
}

async function postScript(serverUrl: string, body: unknown): Promise<void> {
  const response = await fetch(`${serverUrl}/_admin/script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`scripting the local server failed: ${response.status} ${await response.text()}`);
}

/** A folder with the app's host.json, queue settings overridden (tests need fewer, faster retries). */
function writeScriptRoot(queues: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'app-host-'));
  const hostJson = JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as { extensions: { queues: Record<string, unknown> } };
  hostJson.extensions.queues = { ...hostJson.extensions.queues, maxPollingInterval: '00:00:00.500', ...queues };
  writeFileSync(path.join(dir, 'host.json'), JSON.stringify(hostJson, null, 2));
  return dir;
}

async function syncAssistants(env: Record<string, string>): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/assistants-sync.ts')], { cwd: ROOT, env: { ...process.env, ...env } });
}

/** A small client for the app's API as one user. */
export function apiClient(stack: Pick<Stack, 'api'> | (() => string), userId: string) {
  const base = () => (typeof stack === 'function' ? stack() : stack.api);
  const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base()}${route}`, {
      method,
      headers: { 'x-user-id': userId, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers read response fields freely
    return { status: response.status, headers: response.headers, body: text ? (safeJson(text) as Record<string, any>) : undefined };
  };
  return {
    get: (route: string, headers?: Record<string, string>) => call('GET', route, undefined, headers),
    post: (route: string, body?: unknown, headers?: Record<string, string>) => call('POST', route, body ?? {}, headers),
    delete: (route: string) => call('DELETE', route),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 200 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
