// One MCP server as the worker process sees it: a lazily opened client session (streamable HTTP, or a stdio child
// locally), the server's tool list cached for the process and dropped when the server sends
// notifications/tools/list_changed (or the session is replaced: notifications may have been missed), and calls.
// A broken session is dropped, so the next use opens a new one; a server that lost our session (404) gets one
// new session and the same request once, which is safe: the request was refused, not run.
// The SDK is loaded on first use, not with the app: most invocations never reach an MCP server, and requiring it
// costs every cold start (the bundle evaluates lazily what only dynamic imports reach).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../logging';
import type { McpConnectionSpec } from './servers';

export type McpSdk = Awaited<ReturnType<typeof importSdk>>;

async function importSdk() {
  const [client, http, stdio, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return {
    Client: client.Client,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    StreamableHTTPError: http.StreamableHTTPError,
    StdioClientTransport: stdio.StdioClientTransport,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
    McpError: types.McpError,
    ErrorCode: types.ErrorCode,
  };
}

let sdk: Promise<McpSdk> | undefined;
/** The MCP SDK's client classes, imported once. */
export function loadMcpSdk(): Promise<McpSdk> {
  sdk ??= importSdk();
  return sdk;
}

/** How long opening a session (initialize) may take. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long one tools/list page may take. */
const LIST_TIMEOUT_MS = 10_000;
/** A server listing more pages than this is cut off (a cursor loop must not hold a request build). */
const MAX_LIST_PAGES = 20;
const CLIENT_INFO = { name: 'assistants-functions-backend', version: '1.0.0' };
/**
 * A server never listed that failed to answer is not asked again for this long: every request build lists it, and a
 * server that drops packets (rather than refusing) would otherwise hold each one for the connect timeout.
 */
const RELIST_AFTER_FAILURE_MS = 15_000;

export interface McpConnection {
  /** The server's tools (cached; listed again after tools/list_changed). Rejects when the server cannot be listed and nothing is cached. */
  tools(): Promise<Tool[]>;
  /**
   * For health: the server's tools, proven current within `timeoutMs`. A cached list costs one ping; otherwise the
   * server is listed (and the cache filled). Rejects when the server does not answer; never falls back to `last`.
   */
  check(timeoutMs: number): Promise<Tool[]>;
  /** tools/call; `signal` aborting sends notifications/cancelled to the server. */
  call(name: string, args: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface McpConnectionDeps {
  name: string;
  spec: McpConnectionSpec;
  logger: Logger;
  /** The fetch HTTP sessions use (runtime: the traced tool fetch). */
  fetch?: typeof fetch;
}

/** Raised before tools/call was sent: the server was never asked, so nothing can have happened. */
export class McpNotSentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpNotSentError';
  }
}

export function createMcpConnection(deps: McpConnectionDeps): McpConnection {
  const logger = deps.logger.child({ mcpServer: deps.name });
  let session: Promise<Client> | undefined;
  /** The cached tools/list; `last` survives a failed refresh so a blip does not take the tools away from the model. */
  let listing: Promise<Tool[]> | undefined;
  let last: Tool[] | undefined;
  let failure: { at: number; error: unknown } | undefined;

  /** Calls under way per session: a dropped session is closed only once they settle (closing would fail them). */
  const inFlight = new Map<Promise<Client>, number>();
  const closeWhenIdle = (client: Promise<Client>) => {
    if (session === client || (inFlight.get(client) ?? 0) > 0) return;
    void client.then((c) => c.close()).catch(() => undefined);
  };
  /** The next use opens a new session; this one is closed when idle. */
  const drop = (client: Promise<Client> | undefined) => {
    if (!client || session !== client) return;
    session = undefined;
    closeWhenIdle(client);
  };

  const open = (): Promise<Client> => {
    if (session) return session;
    const opening = (async () => {
      const mcp = await loadMcpSdk();
      const client = new mcp.Client(CLIENT_INFO);
      client.setNotificationHandler(mcp.ToolListChangedNotificationSchema, async () => {
        logger.info('MCP server tools changed; listing them again on next use');
        listing = undefined;
      });
      client.onclose = () => drop(opening);
      // The session's event stream broke (server gone, restarted, network): its sockets are suspect, and a request
      // sent on a dead keep-alive socket fails ambiguously. Sessions are cheap: the next use opens a new one.
      client.onerror = (error) => {
        logger.debug('MCP session connection error; the next use opens a new session', { error: describe(error) });
        drop(opening);
      };
      try {
        await client.connect(transportOf(mcp, deps), { timeout: CONNECT_TIMEOUT_MS });
      } catch (error) {
        await client.close().catch(() => undefined);
        throw new McpNotSentError(`cannot reach the MCP server: ${describe(error)}`, { cause: error });
      }
      // A new session may have missed list_changed notifications.
      listing = undefined;
      return client;
    })();
    session = opening;
    opening.catch(() => {
      if (session === opening) session = undefined;
    });
    return opening;
  };

  /** Runs `request` on the session; a session the server no longer knows (404) is replaced once. */
  const withSession = async <T>(request: (client: Client) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const current = open();
      const client = await current;
      const mcp = await loadMcpSdk();
      inFlight.set(current, (inFlight.get(current) ?? 0) + 1);
      try {
        return await request(client);
      } catch (error) {
        if (error instanceof mcp.StreamableHTTPError && error.code === 404 && attempt === 1) {
          logger.info('MCP session unknown to the server; opening a new one');
          drop(current);
          continue;
        }
        if (isTransportFailure(mcp, error)) drop(current);
        throw error;
      } finally {
        const left = (inFlight.get(current) ?? 1) - 1;
        if (left > 0) inFlight.set(current, left);
        else inFlight.delete(current);
        closeWhenIdle(current);
      }
    }
  };

  const list = async (): Promise<Tool[]> => {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await withSession((client) => client.listTools(cursor ? { cursor } : {}, { timeout: LIST_TIMEOUT_MS }));
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    last = tools;
    return tools;
  };

  /** The current listing (started if none): rejects when the server cannot be listed, whatever is cached. */
  const current = (): Promise<Tool[]> => {
    if (!listing && !last && failure && Date.now() - failure.at < RELIST_AFTER_FAILURE_MS) return Promise.reject(failure.error);
    if (!listing) {
      const attempt = list();
      listing = attempt;
      attempt.then(
        () => (failure = undefined),
        (error: unknown) => {
          failure = { at: Date.now(), error };
          if (listing === attempt) listing = undefined;
        },
      );
    }
    return listing;
  };

  return {
    tools() {
      return current().catch((error: unknown) => {
        if (last) {
          logger.warn('MCP server could not be listed; offering its last known tools', { error: describe(error) });
          return last;
        }
        throw error;
      });
    },
    async check(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
      });
      try {
        // A listing already made stays current while the server answers (list_changed clears it).
        const cached = listing && last;
        if (cached) {
          await Promise.race([withSession((client) => client.ping({ timeout: timeoutMs })), deadline]);
          return cached;
        }
        return await Promise.race([current(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    call: (name, args, { signal, timeoutMs }) =>
      withSession((client) => client.callTool({ name, arguments: args }, undefined, { signal, timeout: Math.max(1, timeoutMs) })) as Promise<CallToolResult>,
    async close() {
      const old = session;
      session = undefined;
      await old?.then((client) => client.close()).catch(() => undefined);
    },
  };
}

function transportOf(mcp: McpSdk, deps: McpConnectionDeps): Transport {
  const { spec } = deps;
  if (spec.transport === 'stdio') return new mcp.StdioClientTransport({ command: spec.command, args: spec.args, stderr: 'inherit' });
  return new mcp.StreamableHTTPClientTransport(new URL(spec.url), {
    requestInit: { headers: spec.headers },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    // The worker opens a new session on its next use instead: a reconnect loop would outlive the invocation.
    reconnectionOptions: { maxReconnectionDelay: 30_000, initialReconnectionDelay: 1_000, reconnectionDelayGrowFactor: 1.5, maxRetries: 2 },
  });
}

/** Failures of the connection itself (not answers of the server): the session is not worth keeping. */
function isTransportFailure(mcp: McpSdk, error: unknown): boolean {
  if (error instanceof mcp.StreamableHTTPError) return error.code === -1 || (error.code ?? 0) >= 500;
  return error instanceof TypeError || (error as { code?: unknown })?.code === -32000;
}

/** The error's message and its cause's code (ECONNREFUSED...), never headers. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error.cause as { code?: string; message?: string } | undefined) ?? undefined;
  const code = cause?.code ?? (cause instanceof Error ? cause.message : undefined);
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
