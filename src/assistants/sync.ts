// Keeps the upstream assistants equal to the definitions in assistants/, idempotently:
// unchanged definitions cause no writes, changed ones one update, new ones one create.
// Assistants are matched by metadata app_deployment + app_key (see upstream-tags.ts);
// the decision to write is made on app_hash, a content hash of everything that shapes the assistant.
import path from 'node:path';
import type OpenAI from 'openai';
import type { AssistantCreateParams, AssistantTool, FunctionTool } from 'openai/resources/beta/assistants';
import type { Logger } from '../logging';
import { sha256, stableStringify } from './content-hash';
import { ensureFilesUploaded, readDataFiles, type LocalDataFile } from './data-files';
import { functionToolNames, type AssistantDefinition } from './definition';
import { listOurAssistants, tagOf } from './upstream-tags';
import { METADATA_KEYS } from '../runs/run-facts';

/** Bump when the hashed content changes meaning, so every assistant is rewritten once. */
const HASH_FORMAT = 1;

export interface SyncDeps {
  client: OpenAI;
  definitions: AssistantDefinition[];
  /** Folder the definitions' `files` are relative to. */
  dataDir: string;
  /** This deployment's DEPLOYMENT_ID: written as app_deployment, and the only assistants touched. */
  deploymentId: string;
  /** Function tool declarations by registry name (the tool registry's functionTools). */
  functionTools(names: string[]): FunctionTool[];
  /** Model deployment for definitions that name none (MODEL_DEPLOYMENT). */
  defaultModel: string;
  logger: Logger;
}

export interface SyncedAssistant {
  assistantId: string;
  fileIds: string[];
  hash: string;
}

export interface SyncReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Ours upstream but no longer defined: left in place for the cleanup job. */
  removed: Array<{ key: string; id: string }>;
  /** Older copies of a defined key (the newest is kept and synced): left for the cleanup job. */
  duplicates: Array<{ key: string; id: string }>;
  /** Data paths uploaded by this sync / found already uploaded with the same content. */
  filesUploaded: string[];
  filesReused: string[];
  /** Key → what the deployment now runs. */
  map: Record<string, SyncedAssistant>;
}

export async function syncAssistants(deps: SyncDeps): Promise<SyncReport> {
  const { client, definitions, deploymentId, logger } = deps;
  // Resolve everything local first: a missing tool or file fails before anything is written upstream.
  const tools = new Map(definitions.map((def) => [def.key, assistantTools(def, deps.functionTools)]));
  const files = await readDataFiles(
    deps.dataDir,
    definitions.flatMap((def) => def.files),
  );
  const filesByPath = new Map(files.map((f) => [f.path, f]));

  const uploads = await ensureFilesUploaded(client, deploymentId, files, logger);
  const upstream = await listOurAssistants(client, deploymentId);
  const report: SyncReport = {
    created: [],
    updated: [],
    unchanged: [],
    removed: [],
    duplicates: [],
    filesUploaded: uploads.uploaded,
    filesReused: uploads.reused,
    map: {},
  };

  for (const def of definitions) {
    const paths = def.files.map((p) => path.posix.normalize(p));
    const fileIds = paths.map((p) => uploads.ids.get(p) as string);
    const defTools = tools.get(def.key) as AssistantTool[];
    const model = def.model ?? deps.defaultModel;
    const hash = definitionHash(def, model, defTools, paths.map((p) => filesByPath.get(p) as LocalDataFile));
    const params: AssistantCreateParams = {
      model,
      name: def.name,
      description: def.description ?? null,
      instructions: def.instructions,
      tools: defTools,
      temperature: def.temperature ?? null,
      metadata: { ...def.metadata, [METADATA_KEYS.deployment]: deploymentId, [METADATA_KEYS.assistantKey]: def.key, [METADATA_KEYS.definitionHash]: hash },
    };

    const existing = upstream.byKey.get(def.key);
    const attached = existing?.tool_resources?.code_interpreter?.file_ids ?? [];
    // Only assistants with code_interpreter get its resources; an empty list clears files a previous version attached.
    if (def.tools.includes('code_interpreter') || attached.length) params.tool_resources = { code_interpreter: { file_ids: fileIds } };
    let assistantId: string;
    if (!existing) {
      assistantId = (await client.beta.assistants.create(params)).id;
      report.created.push(def.key);
      logger.info('created assistant', { key: def.key, assistantId });
    } else if (tagOf(existing, METADATA_KEYS.definitionHash) === hash && sameIds(attached, fileIds)) {
      assistantId = existing.id;
      report.unchanged.push(def.key);
      logger.debug('assistant unchanged', { key: def.key, assistantId });
    } else {
      // File ids are compared too: a data file deleted upstream is re-uploaded under a new id.
      assistantId = (await client.beta.assistants.update(existing.id, params)).id;
      report.updated.push(def.key);
      logger.info('updated assistant', { key: def.key, assistantId });
    }
    report.map[def.key] = { assistantId, fileIds, hash };
  }

  const defined = new Set(definitions.map((d) => d.key));
  for (const [key, assistant] of upstream.byKey) if (!defined.has(key)) report.removed.push({ key, id: assistant.id });
  for (const dup of upstream.duplicates) (defined.has(dup.key) ? report.duplicates : report.removed).push(dup);
  for (const assistant of upstream.untagged) report.removed.push({ key: '', id: assistant.id });
  if (report.removed.length) logger.warn('assistants no longer defined, left for cleanup', { removed: report.removed });
  if (report.duplicates.length) logger.warn('duplicate assistants found, newest kept', { duplicates: report.duplicates });
  return report;
}

/** The definition's tools as the Assistants API takes them, in the order written. */
function assistantTools(def: AssistantDefinition, functionTools: SyncDeps['functionTools']): AssistantTool[] {
  const names = functionToolNames(def);
  const declared = new Map((names.length ? functionTools(names) : []).map((tool) => [tool.function.name, tool]));
  return def.tools.map((tool): AssistantTool => {
    if (tool === 'code_interpreter') return { type: 'code_interpreter' };
    if (tool === 'file_search') return { type: 'file_search' };
    if ('clientFunction' in tool) {
      const { name, description, parameters } = tool.clientFunction;
      return { type: 'function', function: { name, ...(description ? { description } : {}), parameters } };
    }
    const declaration = declared.get(tool.function);
    if (!declaration) throw new Error(`assistant ${def.key}: the tool registry returned no declaration for "${tool.function}"`);
    return declaration;
  });
}

/** Content hash of the definition, its resolved model, its files' contents and its tool schemas. */
export function definitionHash(def: AssistantDefinition, model: string, tools: AssistantTool[], files: Array<Pick<LocalDataFile, 'path' | 'sha256'>>): string {
  return sha256(
    stableStringify({
      format: HASH_FORMAT,
      definition: def,
      model,
      tools,
      files: files.map((f) => ({ path: f.path, sha256: f.sha256 })),
    }),
  );
}

function sameIds(a: string[], b: string[]): boolean {
  const sorted = [...b].sort();
  return a.length === b.length && [...a].sort().every((id, i) => id === sorted[i]);
}
