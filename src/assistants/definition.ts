// The declarative shape of one assistants/<key>.json file.
// Structural rules live in the zod schema; rules that need context (known tools,
// the file name, the data folder) are checked by the loader.
import { z } from 'zod';

/** Metadata keys the sync writes on every upstream assistant; definitions may not set them. */
/** The Assistants API allows 16 metadata pairs; the sync uses 3 of them. */
const MAX_USER_METADATA = 13;
/** code_interpreter accepts at most 20 files per assistant. */
const MAX_CODE_INTERPRETER_FILES = 20;

/** Placeholders a runInstructions template may use (see run-instructions.ts). */
export const RUN_PLACEHOLDERS = ['now', 'date', 'userName'] as const;

/** Long texts may be written as an array of lines (easier to read and diff in JSON); joined with newlines. */
const text = (max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v.join('\n') : v))
    .pipe(z.string().min(1).max(max));

const builtInTool = z.enum(['code_interpreter', 'file_search']);
/** Whether a person must approve each call before the backend executes it (see src/runs/tool-approvals.ts). */
export const TOOL_APPROVALS = ['never', 'required'] as const;
/** A server-side tool by its registry name: the backend executes it, after approval when `approval` is required. */
const functionTool = z.strictObject({ function: z.string().min(1), approval: z.enum(TOOL_APPROVALS).optional() });
/** A client-side tool, declared here in full: the frontend executes it and submits its output. */
const clientFunctionTool = z.strictObject({
  clientFunction: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
    description: z.string().max(1024).optional(),
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  }),
});

/** An MCP server's name: the prefix of its tools' function names (`<server>__<tool>`), so no `_` of its own. */
export const MCP_SERVER_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Separates the server from the tool in a function name; server names cannot contain it. */
export const MCP_NAME_SEPARATOR = '__';
/** Settings an MCP server's URL or auth header value may come from (config.ts collects every MCP_* setting). */
export const MCP_SETTING_NAME = /^MCP_[A-Z0-9_]+$/;
/** One tool of an MCP server the assistant exposes to the model. `idempotent` has no default: whoever adds a tool decides. */
const mcpTool = z.strictObject({
  /** The tool's name on the MCP server (tools/list). */
  name: z.string().min(1).max(128),
  approval: z.enum(TOOL_APPROVALS).optional(),
  /** true: a call whose worker died may be made again; false: it is closed `unknown_outcome`, never made twice. */
  idempotent: z.boolean(),
});
const mcpCommon = {
  name: z.string().regex(MCP_SERVER_NAME, 'lower-case letters, digits and single dashes').max(24),
  tools: z.array(mcpTool).min(1),
};
const settingName = z.string().regex(MCP_SETTING_NAME, 'an app setting named MCP_<NAME> (upper-case letters, digits, _)');
/** Streamable HTTP: the way to reach a remote MCP server (and the only one allowed in Azure). */
const mcpHttpServer = z.strictObject({
  ...mcpCommon,
  transport: z.literal('http'),
  /** The endpoint, e.g. https://mcp.example.com/mcp; `urlSetting`, when that setting is set, overrides it. */
  url: z.url({ protocol: /^https?$/ }),
  urlSetting: settingName.optional(),
  /** The app setting holding the auth header's whole value (e.g. `Bearer …`); in Azure a Key Vault reference. Never logged. */
  authSetting: settingName.optional(),
  /** The header that carries it (default Authorization). */
  authHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('Authorization'),
});
/** A child process speaking MCP on stdin/stdout: local development only (refused in Azure, src/tools/mcp/servers.ts). */
const mcpStdioServer = z.strictObject({
  ...mcpCommon,
  transport: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
});
export const mcpServerSchema = z.discriminatedUnion('transport', [mcpHttpServer, mcpStdioServer]);
export type McpServerSpec = z.infer<typeof mcpServerSchema>;

export const assistantDefinitionSchema = z.strictObject({
  /** Stable identity: equals the file name and becomes the upstream `app_key` tag. */
  key: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single dashes').max(64),
  name: z.string().min(1).max(256),
  /** Model deployment name; omitted → MODEL_DEPLOYMENT. */
  model: z.string().min(1).optional(),
  description: z.string().max(512).optional(),
  instructions: text(256_000),
  tools: z.array(z.union([builtInTool, functionTool, clientFunctionTool])).default([]),
  /** MCP servers whose listed tools the backend runs for this assistant (offered to the model as `<server>__<tool>`). */
  mcpServers: z.array(mcpServerSchema).optional(),
  /** Paths relative to data/, attached to code_interpreter. */
  files: z.array(z.string().min(1)).max(MAX_CODE_INTERPRETER_FILES).default([]),
  /** Per-run instructions template: {{now}}, {{date}}, {{userName}}. */
  runInstructions: text(32_000).optional(),
  /** What this assistant is for; the copilot router reads it to choose an assistant. */
  intent: z.string().min(1),
  temperature: z.number().min(0).max(2).optional(),
  metadata: z
    .record(z.string().min(1).max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= MAX_USER_METADATA, `at most ${MAX_USER_METADATA} entries`)
    .optional(),
  /** One persistent thread per user, reused on later questions. */
  threadPerUser: z.boolean().default(false),
});

export type AssistantDefinition = z.infer<typeof assistantDefinitionSchema>;
export type AssistantToolSpec = AssistantDefinition['tools'][number];

type ToolsOf = Pick<AssistantDefinition, 'tools'> & Partial<Pick<AssistantDefinition, 'mcpServers'>>;

/** The function name the model calls for an MCP server's tool: `<server>__<tool>`, characters outside [A-Za-z0-9_-] as `_`. */
export function mcpFunctionName(server: string, tool: string): string {
  return `${server}${MCP_NAME_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The MCP tools a definition exposes, by function name, in declaration order. */
export function mcpTools(def: Partial<Pick<AssistantDefinition, 'mcpServers'>>): Array<{ functionName: string; server: McpServerSpec; tool: McpServerSpec['tools'][number] }> {
  return (def.mcpServers ?? []).flatMap((server) => server.tools.map((tool) => ({ functionName: mcpFunctionName(server.name, tool.name), server, tool })));
}

/** Names of the server-side function tools a definition uses (registry tools, then MCP tools), in declaration order. */
export function functionToolNames(def: ToolsOf): string[] {
  return [...def.tools.flatMap((tool) => (typeof tool === 'object' && 'function' in tool ? [tool.function] : [])), ...mcpTools(def).map((t) => t.functionName)];
}

/** Server tools of the definition (MCP ones included) whose every call waits for a person's approval. */
export function toolsNeedingApproval(def: ToolsOf): Set<string> {
  return new Set([
    ...def.tools.flatMap((tool) => (typeof tool === 'object' && 'function' in tool && tool.approval === 'required' ? [tool.function] : [])),
    ...mcpTools(def).flatMap((t) => (t.tool.approval === 'required' ? [t.functionName] : [])),
  ]);
}

export function usesTool(def: Pick<AssistantDefinition, 'tools'>, name: 'code_interpreter' | 'file_search'): boolean {
  return def.tools.includes(name);
}

/** The tool's name as the model sees it. */
export function toolName(tool: AssistantToolSpec): string {
  if (typeof tool === 'string') return tool;
  return 'function' in tool ? tool.function : tool.clientFunction.name;
}
