// What health says about one MCP server: ok (listed, with how many of the tools the assistants expose it offers),
// unavailable (it did not answer: a short reason), or not_configured (the deployment cannot use it: the setting to
// set). Reasons are built from codes only (socket code, HTTP status, JSON-RPC code), never from an error's message:
// a message may quote a URL with credentials or a server's body.
import type { McpConnection } from './connection';
import type { ResolvedMcpServer } from './servers';

export type McpServerHealth =
  | { server: string; status: 'ok'; tools: number; missing: string[] }
  | { server: string; status: 'unavailable'; reason: string }
  | { server: string; status: 'not_configured'; reason: string; setting?: string };

/** Health answers within this: a server that hangs is reported unavailable, not the whole report down. */
export const MCP_HEALTH_TIMEOUT_MS = 2_000;

export async function mcpServerHealth(server: ResolvedMcpServer, connection: McpConnection | undefined, timeoutMs = MCP_HEALTH_TIMEOUT_MS): Promise<McpServerHealth> {
  if (server.notConfigured || !connection) {
    const { reason, setting } = server.notConfigured ?? { reason: `MCP server "${server.name}" is not configured` };
    return { server: server.name, status: 'not_configured', reason, ...(setting ? { setting } : {}) };
  }
  if (server.connection.transport === 'http' && server.connection.unresolvedSetting) {
    const setting = server.connection.unresolvedSetting;
    return { server: server.name, status: 'not_configured', setting, reason: `${setting} is a Key Vault reference App Service has not resolved; MCP server "${server.name}" is unavailable until it resolves.` };
  }
  try {
    const listed = new Set((await connection.check(timeoutMs)).map((tool) => tool.name));
    const exposed = server.tools.map((tool) => tool.mcpName);
    return { server: server.name, status: 'ok', tools: exposed.filter((name) => listed.has(name)).length, missing: exposed.filter((name) => !listed.has(name)) };
  } catch (error) {
    return { server: server.name, status: 'unavailable', reason: shortReason(error) };
  }
}

/** A secret-free reason: the first code found on the error or its causes. */
export function shortReason(error: unknown): string {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    // StreamableHTTPError carries the HTTP status as code; McpError a negative JSON-RPC code.
    if (typeof code === 'number' && code >= 100 && code < 600) return `answered HTTP ${code}`;
    if (typeof code === 'number' && code === -32001) return 'timed out';
    if (typeof code === 'number' && code < 0) return `MCP error ${code}`;
  }
  return 'unreachable';
}
