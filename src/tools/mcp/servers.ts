// The MCP servers the assistants use, resolved once from assistants/*.json and the settings: one connection per
// server name however many assistants list it, its URL and auth header taken from the named MCP_* settings.
// Problems a deployment must fix (stdio in Azure, a setting that is not set, one name for two servers) are a
// ConfigError naming each; nothing here ever holds a credential in a message.
// One problem is not a ConfigError: in Azure, an http server whose URL is loopback (the dev default left in place
// because its urlSetting is not set) would dial the instance itself. That server is *not configured*: never
// dialled, its tools not offered, health names the setting to set; the rest of the app keeps working.
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
  /** Set when the deployment cannot use the server: it is never dialled. `setting` is the one to set, if any. */
  notConfigured?: { reason: string; setting?: string };
}

type Settings = Pick<Config, 'mcpSettings' | 'unresolvedKeyVaultReferences' | 'WEBSITE_INSTANCE_ID'>;

export function resolveMcpServers(definitions: Array<Pick<AssistantDefinition, 'key' | 'mcpServers'>>, config: Settings): ResolvedMcpServer[] {
  const problems: string[] = [];
  const servers = new Map<string, { spec: McpServerSpec; from: string; resolved: ResolvedMcpServer }>();
  for (const definition of definitions) {
    for (const { functionName, server: spec, tool } of mcpTools(definition)) {
      let entry = servers.get(spec.name);
      if (!entry) {
        const notConfigured = notConfiguredReason(spec, config, definition.key);
        const connection = notConfigured ? unusedConnection(spec) : connectionOf(spec, config, definition.key, problems);
        entry = { spec, from: definition.key, resolved: { name: spec.name, connection, tools: [], ...(notConfigured ? { notConfigured } : {}) } };
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

/**
 * In Azure, loopback is the instance itself, never an MCP server: the URL is the local development default.
 * The reason names the host (never userinfo or path) and the setting to set.
 */
export function notConfiguredReason(spec: McpServerSpec, config: Settings, key: string): ResolvedMcpServer['notConfigured'] {
  if (spec.transport !== 'http' || !config.WEBSITE_INSTANCE_ID) return undefined;
  const fromSetting = spec.urlSetting ? config.mcpSettings[spec.urlSetting] : undefined;
  const host = loopbackHost(fromSetting || spec.url);
  if (host === undefined) return undefined;
  if (!spec.urlSetting) {
    return { reason: `MCP server "${spec.name}" in assistants/${key}.json has a loopback URL (${host}) and no urlSetting; in Azure loopback is this app itself: add "urlSetting" and set it to the server's URL` };
  }
  return fromSetting
    ? { setting: spec.urlSetting, reason: `${spec.urlSetting} points MCP server "${spec.name}" at loopback (${host}), which in Azure is this app itself: set it to the server's URL` }
    : { setting: spec.urlSetting, reason: `MCP server "${spec.name}" is not configured: ${spec.urlSetting} is not set, and the default URL in assistants/${key}.json is loopback (${host}), the local development server. Set ${spec.urlSetting} to the server's URL` };
}

/** The URL's host when it is loopback (localhost, 127.0.0.0/8, ::1, the unspecified address), else undefined. */
export function loopbackHost(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined; // not a URL: the connection reports it when dialled
  }
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '0.0.0.0' || host === '::';
  return loopback ? host : undefined;
}

/** A not-configured server's spec: no headers (its auth setting is not read: nothing is sent). */
function unusedConnection(spec: McpServerSpec): McpConnectionSpec {
  return spec.transport === 'http' ? { transport: 'http', url: spec.url, headers: {} } : { transport: 'stdio', command: spec.command, args: spec.args };
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
