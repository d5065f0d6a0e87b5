// The MCP servers the assistants use, resolved once from assistants/*.json and the settings: one connection per
// server name however many assistants list it, its URL and auth header taken from the named MCP_* settings.
// Problems a deployment must fix (stdio in Azure, a setting that is not set, one name for two servers) are a
// ConfigError naming each; nothing here ever holds a credential in a message.
import { ConfigError, type Config } from '../../config';
import { mcpTools, type AssistantDefinition, type McpServerSpec } from '../../assistants/definition';

export interface McpToolBinding {
  /** The function name the model calls (`<server>__<tool>`). */
  functionName: string;
  /** The tool's name on the server. */
  mcpName: string;
  /** Only when every assistant that exposes the tool says so: repeating a call is then safe. */
  idempotent: boolean;
}

export type McpConnectionSpec =
  | { transport: 'http'; url: string; headers: Record<string, string>; /** A Key Vault reference App Service could not resolve (yet). */ unresolvedSetting?: string }
  | { transport: 'stdio'; command: string; args: string[] };

export interface ResolvedMcpServer {
  name: string;
  connection: McpConnectionSpec;
  tools: McpToolBinding[];
}

type Settings = Pick<Config, 'mcpSettings' | 'unresolvedKeyVaultReferences' | 'WEBSITE_INSTANCE_ID'>;

export function resolveMcpServers(definitions: Array<Pick<AssistantDefinition, 'key' | 'mcpServers'>>, config: Settings): ResolvedMcpServer[] {
  const problems: string[] = [];
  const servers = new Map<string, { spec: McpServerSpec; from: string; resolved: ResolvedMcpServer }>();
  for (const definition of definitions) {
    for (const { functionName, server: spec, tool } of mcpTools(definition)) {
      let entry = servers.get(spec.name);
      if (!entry) {
        entry = { spec, from: definition.key, resolved: { name: spec.name, connection: connectionOf(spec, config, definition.key, problems), tools: [] } };
        servers.set(spec.name, entry);
      } else if (JSON.stringify(connectionFields(entry.spec)) !== JSON.stringify(connectionFields(spec))) {
        if (!problems.some((p) => p.includes(`MCP server "${spec.name}"`))) {
          problems.push(`assistants/${definition.key}.json: MCP server "${spec.name}" is defined differently in assistants/${entry.from}.json; one name must mean one server`);
        }
        continue;
      }
      const known = entry.resolved.tools.find((t) => t.mcpName === tool.name);
      if (known) known.idempotent &&= tool.idempotent;
      else entry.resolved.tools.push({ functionName, mcpName: tool.name, idempotent: tool.idempotent });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return [...servers.values()].map((entry) => entry.resolved);
}

function connectionOf(spec: McpServerSpec, config: Settings, key: string, problems: string[]): McpConnectionSpec {
  if (spec.transport === 'stdio') {
    // A child process per instance, started from files on the app's disk: a development convenience only.
    if (config.WEBSITE_INSTANCE_ID) problems.push(`assistants/${key}.json: MCP server "${spec.name}" uses the stdio transport, which is for local development only and refused in Azure; use "transport": "http"`);
    return { transport: 'stdio', command: spec.command, args: spec.args };
  }
  const url = (spec.urlSetting && config.mcpSettings[spec.urlSetting]) || spec.url;
  const headers: Record<string, string> = {};
  let unresolvedSetting: string | undefined;
  if (spec.authSetting) {
    const value = config.mcpSettings[spec.authSetting];
    if (value !== undefined) headers[spec.authHeader] = value;
    else if (config.unresolvedKeyVaultReferences.includes(spec.authSetting)) unresolvedSetting = spec.authSetting;
    else problems.push(`${spec.authSetting}: not set; assistants/${key}.json takes MCP server "${spec.name}"'s ${spec.authHeader} header from it (in Azure, a Key Vault reference)`);
  }
  return { transport: 'http', url, headers, ...(unresolvedSetting ? { unresolvedSetting } : {}) };
}

function connectionFields(spec: McpServerSpec): unknown {
  return spec.transport === 'stdio' ? [spec.transport, spec.command, spec.args] : [spec.transport, spec.url, spec.urlSetting, spec.authSetting, spec.authHeader];
}
