// MCP servers' tools, run by the worker like the built-in tools (see tools.ts).
export { createMcpTools, type McpTools, type McpToolsDeps } from './tools';
export { mcpResultOutput, type McpOutput } from './result';
export { mcpToolDeclaration } from './schema';
export { resolveMcpServers, type ResolvedMcpServer } from './servers';
export type { McpConnection } from './connection';
export { mcpServerHealth, shortReason, MCP_HEALTH_TIMEOUT_MS, type McpServerHealth } from './health';
export { loopbackHost, notConfiguredReason } from './servers';
