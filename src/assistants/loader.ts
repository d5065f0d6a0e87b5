// Reads assistants/*.json and validates every file, reporting all broken files at once
// (path and problem) so one run of the sync or the app shows everything to fix.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { RESERVED_METADATA_PREFIX } from '../runs/run-facts';
import { assistantDefinitionSchema, mcpFunctionName, RUN_PLACEHOLDERS, type AssistantDefinition, toolName } from './definition';
import { unknownPlaceholders } from './run-instructions';

export { renderRunInstructions } from './run-instructions';

export class AssistantDefinitionError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid assistant definitions:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'AssistantDefinitionError';
  }
}

export interface LoadOptions {
  /** Function tool names the backend can run (the tool registry's names). */
  knownTools: string[];
  /** Folder `files` are relative to; default: the `data` folder beside `dir`. */
  dataDir?: string;
}

/** Loads and validates every `<key>.json` in `dir`, sorted by key. Throws AssistantDefinitionError listing each problem. */
export async function loadAssistantDefinitions(dir: string, opts: LoadOptions): Promise<AssistantDefinition[]> {
  const dataDir = opts.dataDir ?? path.join(dir, '..', 'data');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new AssistantDefinitionError([`${displayPath(dir)}: cannot read the folder (${(error as Error).message})`]);
  }
  if (names.length === 0) throw new AssistantDefinitionError([`${displayPath(dir)}: no assistant definitions (*.json)`]);

  const definitions: AssistantDefinition[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const result = await loadOne(file, { ...opts, dataDir });
    if (result.ok) definitions.push(result.definition);
    else problems.push(...result.problems.map((p) => `${displayPath(file)}: ${p}`));
  }
  if (problems.length) throw new AssistantDefinitionError(problems);
  return definitions;
}

type LoadResult = { ok: true; definition: AssistantDefinition } | { ok: false; problems: string[] };

async function loadOne(file: string, opts: Required<LoadOptions>): Promise<LoadResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`invalid JSON (${(error as Error).message})`] };
  }
  const parsed = assistantDefinitionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map(formatIssue) };

  const def = parsed.data;
  const problems = [...checkKey(def, file), ...checkTools(def, opts.knownTools), ...(await checkFiles(def, opts.dataDir)), ...checkRest(def)];
  return problems.length ? { ok: false, problems } : { ok: true, definition: def };
}

function checkKey(def: AssistantDefinition, file: string): string[] {
  const expected = path.basename(file, '.json');
  return def.key === expected ? [] : [`key: "${def.key}" does not match the file name (expected "${expected}")`];
}

function checkTools(def: AssistantDefinition, knownTools: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  def.tools.forEach((tool, i) => {
    const name = toolName(tool);
    const where = typeof tool === 'string' ? `tools[${i}]` : 'function' in tool ? `tools[${i}].function` : `tools[${i}].clientFunction.name`;
    if (seen.has(name)) problems.push(`${where}: "${name}" is listed twice`);
    seen.add(name);
    if (typeof tool === 'object' && 'function' in tool && !knownTools.includes(name)) {
      problems.push(`${where}: unknown tool "${name}" (known tools: ${knownTools.join(', ') || 'none'})`);
    }
  });
  // MCP tools share the model's one namespace of function names with the tools above.
  const servers = new Set<string>();
  (def.mcpServers ?? []).forEach((server, i) => {
    if (servers.has(server.name)) problems.push(`mcpServers[${i}].name: "${server.name}" is listed twice`);
    servers.add(server.name);
    server.tools.forEach((tool, j) => {
      const name = mcpFunctionName(server.name, tool.name);
      const where = `mcpServers[${i}].tools[${j}].name`;
      if (name.length > 64) problems.push(`${where}: "${name}" is longer than the 64 characters a function name may have`);
      if (seen.has(name)) problems.push(`${where}: "${name}" is listed twice`);
      seen.add(name);
    });
  });
  return problems;
}

async function checkFiles(def: AssistantDefinition, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  if (def.files.length && !def.tools.includes('code_interpreter')) problems.push('files: attached files need the "code_interpreter" tool');
  const seen = new Set<string>();
  for (const [i, rel] of def.files.entries()) {
    const normalized = path.posix.normalize(rel);
    if (path.isAbsolute(rel) || normalized === '..' || normalized.startsWith('../') || rel.includes('\\')) {
      problems.push(`files[${i}]: "${rel}" must be a relative path inside the data folder`);
      continue;
    }
    if (seen.has(normalized)) problems.push(`files[${i}]: "${rel}" is listed twice`);
    seen.add(normalized);
    const full = path.join(dataDir, normalized);
    const info = await stat(full).catch(() => undefined);
    if (!info) problems.push(`files[${i}]: data file not found: ${displayPath(full)}`);
    else if (!info.isFile()) problems.push(`files[${i}]: ${displayPath(full)} is not a file`);
  }
  return problems;
}

function checkRest(def: AssistantDefinition): string[] {
  const problems: string[] = [];
  const unknown = def.runInstructions ? unknownPlaceholders(def.runInstructions) : [];
  for (const name of unknown) problems.push(`runInstructions: unknown placeholder {{${name}}} (known: ${RUN_PLACEHOLDERS.join(', ')})`);
  for (const key of Object.keys(def.metadata ?? {})) {
    if (key.startsWith(RESERVED_METADATA_PREFIX)) problems.push(`metadata.${key}: keys starting with "${RESERVED_METADATA_PREFIX}" are reserved for the sync`);
  }
  return problems;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
  if (issue.code === 'unrecognized_keys') return `${where ? `${where}: ` : ''}unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where || '(file)'}: ${issue.message}`;
}

/** Paths under the working directory are shown relative to it (assistants/x.json), others in full. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
