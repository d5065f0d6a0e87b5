// MCP servers' tools as registry entries: each exposed tool is a RegisteredTool named `<server>__<tool>`, so its
// calls take the same path as the built-in tools (ledger claim, exactly once, approval, time budget, cancel,
// tracing: src/runs/resolve-tool-calls.ts → src/tools/registry.ts). What is MCP-specific is here: the declaration
// comes from the server's tools/list, and the call's failures are placed:
//   never sent (connection refused, no session)   → a tool error: nothing happened
//   the server answered an error (isError, JSON-RPC error, HTTP 4xx) → a tool error with what it said
//   sent, no answer (reset, 5xx, timeout)          → idempotent: a tool error; otherwise unknown_outcome, never re-sent
import { z } from 'zod';
import type { Config } from '../../config';
import type { AssistantDefinition } from '../../assistants/definition';
import type { Logger } from '../../logging';
import { MAX_TOOL_OUTPUT_CHARS } from '../../store/ledger/limits';
import { defineTool } from '../define-tool';
import { ToolError, UnknownOutcomeError } from '../tool-error';
import type { RegisteredTool } from '../types';
import { createMcpConnection, describe, loadMcpSdk, McpNotSentError, type McpConnection, type McpSdk } from './connection';
import { mcpServerHealth, type McpServerHealth } from './health';
import { mcpErrorText, mcpResultOutput } from './result';
import { mcpToolDeclaration } from './schema';
import { resolveMcpServers, type McpToolBinding, type ResolvedMcpServer } from './servers';

/** How much of a server's error text reaches the model. */
const MAX_ERROR_TEXT_CHARS = 2_000;
/** Socket errors that mean the request never reached the server. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface McpToolsDeps {
  config: Pick<Config, 'mcpSettings' | 'unresolvedKeyVaultReferences' | 'WEBSITE_INSTANCE_ID'>;
  logger: Logger;
  fetch?: typeof fetch;
  /** Tests: the connection of a server (default: a real MCP client). */
  connect?: (server: ResolvedMcpServer) => McpConnection;
}

export interface McpTools {
  tools: RegisteredTool[];
  /** Each server, for health: the name and how to learn its state (cheap: the cached list and one ping). */
  servers: Array<{ name: string; health: () => Promise<McpServerHealth> }>;
  /** Ends every open session (scripts exit only then). */
  close(): Promise<void>;
}

/** The registry entries of every MCP tool the definitions expose. Throws ConfigError for servers the deployment cannot use. */
export function createMcpTools(definitions: Array<Pick<AssistantDefinition, 'key' | 'mcpServers'>>, deps: McpToolsDeps): McpTools {
  const servers = resolveMcpServers(definitions, deps.config);
  const connect = deps.connect ?? ((s) => createMcpConnection({ name: s.name, spec: s.connection, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) }));
  const connections = servers.map((server) => {
    // A server the deployment cannot use is never dialled: no connection at all.
    if (server.notConfigured) deps.logger.warn('MCP server not configured; its tools are not offered', { mcpServer: server.name, reason: server.notConfigured.reason });
    return { server, connection: server.notConfigured ? undefined : connect(server) };
  });
  return {
    tools: connections.flatMap(({ server, connection }) => server.tools.map((binding) => mcpTool(server, binding, connection, deps.logger))),
    servers: connections.map(({ server, connection }) => ({ name: server.name, health: () => mcpServerHealth(server, connection) })),
    close: async () => {
      await Promise.all(connections.map(({ connection }) => connection?.close()));
    },
  };
}

function mcpTool(server: ResolvedMcpServer, binding: McpToolBinding, connection: McpConnection | undefined, logger: Logger): RegisteredTool {
  const label = `${server.name}/${binding.mcpName}`;
  const unresolved = server.connection.transport === 'http' ? server.connection.unresolvedSetting : undefined;
  return defineTool({
    name: binding.functionName,
    description: `MCP tool ${label}`,
    // The server validates the arguments against its own inputSchema (and answers an error the model reads).
    parameters: z.record(z.string(), z.unknown()),
    idempotent: binding.idempotent,
    async declare() {
      if (unresolved || !connection) return undefined;
      try {
        const tool = (await connection.tools()).find((t) => t.name === binding.mcpName);
        if (!tool) logger.warn('MCP server does not list the tool an assistant exposes; not offered', { mcpServer: server.name, tool: binding.mcpName });
        return tool && mcpToolDeclaration(tool);
      } catch (error) {
        logger.warn('MCP server could not be listed; its tools are not offered', { mcpServer: server.name, error: describe(error) });
        return undefined;
      }
    },
    async execute(args, ctx) {
      if (unresolved) throw new ToolError(`The MCP server "${server.name}" cannot be used yet: its credential setting ${unresolved} is an unresolved Key Vault reference.`, { mcpServer: server.name });
      // Never offered, but a call recorded before a redeploy may still arrive.
      if (!connection) throw new ToolError(`The MCP server "${server.name}" is not configured in this deployment; the tool did not run.`, { mcpServer: server.name, notConfigured: true });
      let result;
      try {
        result = await connection.call(binding.mcpName, args, { signal: ctx.signal, timeoutMs: ctx.deadlineMs - Date.now() });
      } catch (error) {
        throw callFailure(await loadMcpSdk(), error, label, server.name, binding.idempotent);
      }
      if (result.isError) {
        const said = mcpErrorText(result, MAX_ERROR_TEXT_CHARS);
        throw new ToolError(`The MCP tool ${label} reported an error${said ? `: ${said}` : '.'}`, { mcpServer: server.name, isError: true });
      }
      return mcpResultOutput(result, MAX_TOOL_OUTPUT_CHARS);
    },
  });
}

/** Where a failed tools/call leaves the call (see the header). */
export function callFailure(mcp: Pick<McpSdk, 'McpError' | 'ErrorCode' | 'StreamableHTTPError'>, error: unknown, label: string, serverName: string, idempotent: boolean): ToolError {
  const { McpError, ErrorCode, StreamableHTTPError } = mcp;
  const details = { mcpServer: serverName };
  if (error instanceof McpNotSentError || NOT_CONNECTED.has(socketCode(error) ?? '')) {
    return new ToolError(`The MCP server for ${label} is unreachable (${describe(error)}); the tool did not run. The server may be down: try again later.`, { ...details, unreachable: true });
  }
  if (error instanceof McpError && error.code !== ErrorCode.RequestTimeout && error.code !== ErrorCode.ConnectionClosed) {
    return new ToolError(`The MCP server refused the ${label} call: ${error.message}`, { ...details, code: error.code });
  }
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500) {
    return new ToolError(`The MCP server refused the ${label} call with HTTP ${error.code}.`, { ...details, status: error.code });
  }
  const message = `The ${label} call was sent but no answer came back (${describe(error)}).`;
  return idempotent ? new ToolError(message, details) : new UnknownOutcomeError(`${message} It may or may not have taken effect, and it was not retried to avoid duplicates.`, details);
}

function socketCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } } | undefined)?.cause;
  const code = cause?.code ?? cause?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
