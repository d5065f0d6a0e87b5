// `npm run assistants:sync`: makes upstream match the definitions in assistants/, idempotently, on the
// protocol the deployment speaks. On both, it first resolves everything local (tools, data files: a missing
// one fails before anything is written) and uploads the data files whose content is not upstream yet.
//   assistants  keeps the upstream assistants equal to the definitions: unchanged definitions cause no writes,
//               changed ones one update, new ones one create. Assistants are matched by metadata
//               app_deployment + app_key (see upstream-tags.ts); the decision to write is made on app_hash,
//               a content hash of everything that shapes the assistant.
//   responses   there are no upstream assistants: the app sends each definition with every response and finds
//               its data files by name (data-files.ts), so the sync validates and uploads, and writes nothing else.
import path from 'node:path';
import type OpenAI from 'openai';
import type { AssistantCreateParams, AssistantTool, FunctionTool } from 'openai/resources/beta/assistants';
import type { Logger } from '../logging';
import type { UpstreamProtocol } from '../upstream/port';
import { sha256, stableStringify } from './content-hash';
import { ensureFilesUploaded, readDataFiles, type LocalDataFile, type UploadResult } from './data-files';
import { functionToolNames, mcpTools, type AssistantDefinition } from './definition';
import { listOurAssistants, tagOf } from './upstream-tags';
import { METADATA_KEYS } from '../runs/run-facts';

/** Bump when the hashed content changes meaning, so every assistant is rewritten once. */
const HASH_FORMAT = 1;

export interface SyncDeps {
  client: OpenAI;
  /** The protocol `client` speaks (config.protocol): what there is to sync upstream. */
  protocol: UpstreamProtocol;
  definitions: AssistantDefinition[];
  /** Folder the definitions' `files` are relative to. */
  dataDir: string;
  /** This deployment's DEPLOYMENT_ID: written as app_deployment, and the only assistants touched. */
  deploymentId: string;
  /** Function tool declarations by registry name (the tool registry's functionTools). */
  functionTools(names: string[]): FunctionTool[] | Promise<FunctionTool[]>;
  /** Model deployment for definitions that name none (MODEL_DEPLOYMENT). */
  defaultModel: string;
  logger: Logger;
}

export interface SyncedAssistant {
  /** The upstream assistant (Assistants protocol); absent on Responses, where none exists. */
  assistantId?: string;
  fileIds: string[];
  hash: string;
}

export interface SyncReport {
  protocol: UpstreamProtocol;
  /** Responses: definitions validated, with their data files upstream (nothing else to write). */
  defined: string[];
  /** Assistants protocol: what the sync wrote or left. */
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

/** A definition resolved against the tool registry and its uploaded files. */
interface PreparedDefinition {
  def: AssistantDefinition;
  model: string;
  tools: AssistantTool[];
  fileIds: string[];
  hash: string;
}

type ProtocolSync = (deps: SyncDeps, prepared: PreparedDefinition[], report: SyncReport) => Promise<void>;

const PROTOCOL_SYNC: Record<UpstreamProtocol, ProtocolSync> = {
  assistants: syncUpstreamAssistants,
  responses: async (deps, prepared, report) => {
    for (const { def, fileIds, hash } of prepared) {
      report.defined.push(def.key);
      report.map[def.key] = { fileIds, hash };
    }
    deps.logger.debug('definitions ready; the Responses protocol keeps no assistants upstream', { keys: report.defined });
  },
};

export async function syncAssistants(deps: SyncDeps): Promise<SyncReport> {
  const { prepared, uploads } = await prepare(deps);
  const report: SyncReport = {
    protocol: deps.protocol,
    defined: [],
    created: [],
    updated: [],
    unchanged: [],
    removed: [],
    duplicates: [],
    filesUploaded: uploads.uploaded,
    filesReused: uploads.reused,
    map: {},
  };
  await PROTOCOL_SYNC[deps.protocol](deps, prepared, report);
  return report;
}

/** Validates every definition against the tool registry and puts its data files upstream. */
async function prepare(deps: SyncDeps): Promise<{ prepared: PreparedDefinition[]; uploads: UploadResult }> {
  const { client, definitions, deploymentId, logger } = deps;
  // Resolve everything local first: a missing tool or file fails before anything is written upstream.
  const tools = new Map(await Promise.all(definitions.map(async (def) => [def.key, await assistantTools(def, deps.functionTools, logger)] as const)));
  const files = await readDataFiles(
    deps.dataDir,
    definitions.flatMap((def) => def.files),
  );
  const filesByPath = new Map(files.map((f) => [f.path, f]));
  const uploads = await ensureFilesUploaded(client, deploymentId, files, logger);
  const prepared = definitions.map((def): PreparedDefinition => {
    const paths = def.files.map((p) => path.posix.normalize(p));
    const defTools = tools.get(def.key) as AssistantTool[];
    const model = def.model ?? deps.defaultModel;
    return {
      def,
      model,
      tools: defTools,
      fileIds: paths.map((p) => uploads.ids.get(p) as string),
      hash: definitionHash(def, model, defTools, paths.map((p) => filesByPath.get(p) as LocalDataFile)),
    };
  });
  return { prepared, uploads };
}

async function syncUpstreamAssistants(deps: SyncDeps, prepared: PreparedDefinition[], report: SyncReport): Promise<void> {
  const { client, deploymentId, logger } = deps;
  const upstream = await listOurAssistants(client, deploymentId);

  for (const { def, model, tools, fileIds, hash } of prepared) {
    const params: AssistantCreateParams = {
      model,
      name: def.name,
      description: def.description ?? null,
      instructions: def.instructions,
      tools,
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

  const defined = new Set(prepared.map((d) => d.def.key));
  for (const [key, assistant] of upstream.byKey) if (!defined.has(key)) report.removed.push({ key, id: assistant.id });
  for (const dup of upstream.duplicates) (defined.has(dup.key) ? report.duplicates : report.removed).push(dup);
  for (const assistant of upstream.untagged) report.removed.push({ key: '', id: assistant.id });
  if (report.removed.length) logger.warn('assistants no longer defined, left for cleanup', { removed: report.removed });
  if (report.duplicates.length) logger.warn('duplicate assistants found, newest kept', { duplicates: report.duplicates });
}

/** The definition's tools as the Assistants API takes them, in the order written. */
async function assistantTools(def: AssistantDefinition, functionTools: SyncDeps['functionTools'], logger: Logger): Promise<AssistantTool[]> {
  const names = functionToolNames(def);
  const declared = new Map((names.length ? await functionTools(names) : []).map((tool) => [tool.function.name, tool]));
  return [...def.tools.map((tool): AssistantTool => {
    if (tool === 'code_interpreter') return { type: 'code_interpreter' };
    if (tool === 'file_search') return { type: 'file_search' };
    if ('clientFunction' in tool) {
      const { name, description, parameters } = tool.clientFunction;
      return { type: 'function', function: { name, ...(description ? { description } : {}), parameters } };
    }
    const declaration = declared.get(tool.function);
    if (!declaration) throw new Error(`assistant ${def.key}: the tool registry returned no declaration for "${tool.function}"`);
    return declaration;
  }), ...mcpDeclarations(def, declared, logger)];
}

/**
 * The MCP tools as their servers list them now. One whose server cannot be listed is left off the assistant (and
 * the hash, so the next sync with the server up writes it): the sync does not fail for a server that is down.
 */
function mcpDeclarations(def: AssistantDefinition, declared: Map<string, FunctionTool>, logger: Logger): AssistantTool[] {
  return mcpTools(def).flatMap(({ functionName, server }) => {
    const declaration = declared.get(functionName);
    if (!declaration) logger.warn('MCP tool not listed by its server; left off the assistant until the next sync', { assistant: def.key, tool: functionName, server: server.name });
    return declaration ? [declaration] : [];
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
