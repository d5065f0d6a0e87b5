// Request building: every response of a run's chain is sent the whole assistant (Responses keeps no assistant
// objects): the definition's model, instructions (plus the run's additionalInstructions), tools and tool resources.
//   server functions → the tool registry's declarations, as Responses function tools
//   client functions → as declared in the definition
//   MCP servers' tools → `<server>__<tool>` function tools, from the server's (cached) tools/list
//   code_interpreter → the thread's live container, else `{type:'auto', file_ids}` (definition data files + thread code files)
//   file_search      → the thread's vector store (the tool is left out while the thread has none)
import type OpenAI from 'openai';
import type { FunctionTool as AssistantsFunctionTool } from 'openai/resources/beta/assistants';
import type { FunctionTool, ResponseCreateParamsBase, Tool } from 'openai/resources/responses/responses';
import { AppError } from '../../errors';
import type { AssistantDefinition } from '../../assistants';
import { functionToolNames, mcpTools } from '../../assistants/definition';
import { readDataFiles, uploadedFileName } from '../../assistants/data-files';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { ThreadRecord } from '../../store/ledger';

export interface RequestDeps {
  client: OpenAI;
  deploymentId: string;
  defaultModel: string;
  definitions: ReadonlyMap<string, AssistantDefinition>;
  functionTools(names: string[]): AssistantsFunctionTool[] | Promise<AssistantsFunctionTool[]>;
  /** Where the definitions' data files are (their upload names carry their content hash). */
  dataDir: string;
  now: () => number;
}

export type RequestParts = Pick<ResponseCreateParamsBase, 'model' | 'instructions' | 'tools' | 'metadata' | 'temperature'>;

export interface RequestBuilder {
  build(input: { assistantKey: string; runId: string; additionalInstructions?: string; thread: ThreadRecord }): Promise<RequestParts>;
}

/** Data file ids are looked up once per definition and trusted this long (a sync uploads changed files under new names). */
const DATA_FILE_TTL_MS = 5 * 60_000;

export function createRequestBuilder(deps: RequestDeps): RequestBuilder {
  const dataFileIds = cachedDataFileIds(deps);
  return {
    async build({ assistantKey, runId, additionalInstructions, thread }) {
      const definition = deps.definitions.get(assistantKey);
      if (!definition) throw new AppError('validation_failed', `Unknown assistant "${assistantKey}".`, 400, { field: 'assistant' });
      const tools = await toolsOf(deps, definition, thread, () => dataFileIds(definition));
      return {
        model: definition.model ?? deps.defaultModel,
        instructions: additionalInstructions ? `${definition.instructions}\n\n${additionalInstructions}` : definition.instructions,
        ...(tools.length ? { tools } : {}),
        ...(definition.temperature !== undefined ? { temperature: definition.temperature } : {}),
        metadata: { [METADATA_KEYS.runId]: runId, [METADATA_KEYS.deployment]: deps.deploymentId },
      };
    },
  };
}

async function toolsOf(deps: RequestDeps, definition: AssistantDefinition, thread: ThreadRecord, dataFiles: () => Promise<string[]>): Promise<Tool[]> {
  const names = functionToolNames(definition);
  const declared = new Map((names.length ? await deps.functionTools(names) : []).map((tool) => [tool.function.name, tool]));
  const tools: Tool[] = [];
  for (const spec of definition.tools) {
    if (spec === 'file_search') {
      if (thread.vectorStoreId) tools.push({ type: 'file_search', vector_store_ids: [thread.vectorStoreId] });
    } else if (spec === 'code_interpreter') {
      const live = thread.containerId && (await isLive(deps.client, thread.containerId)) ? thread.containerId : undefined;
      tools.push({ type: 'code_interpreter', container: live ?? { type: 'auto', file_ids: [...new Set([...(await dataFiles()), ...(thread.codeFileIds ?? [])])] } });
    } else if ('clientFunction' in spec) {
      const { name, description, parameters } = spec.clientFunction;
      tools.push(functionTool(name, description, parameters));
    } else {
      const declaration = declared.get(spec.function);
      if (!declaration) throw new Error(`assistant ${definition.key}: the tool registry returned no declaration for "${spec.function}"`);
      tools.push(functionTool(declaration.function.name, declaration.function.description, declaration.function.parameters, declaration.function.strict ?? false));
    }
  }
  // MCP tools as their servers list them; one whose server cannot be listed now is not offered (the registry logs it).
  for (const { functionName } of mcpTools(definition)) {
    const declaration = declared.get(functionName);
    if (declaration) tools.push(functionTool(functionName, declaration.function.description, declaration.function.parameters));
  }
  return tools;
}

/**
 * Strict only where the registry declares it (Responses defaults to strict, which needs every property required and
 * no extras; not every schema is written so). Client functions are not strict.
 */
function functionTool(name: string, description: string | undefined, parameters: Record<string, unknown> | undefined, strict = false): FunctionTool {
  return { type: 'function', name, ...(description ? { description } : {}), parameters: parameters ?? { type: 'object', properties: {} }, strict };
}

/** A container idles out after 20 minutes; an expired (or deleted) one is replaced by a new auto container. */
async function isLive(client: OpenAI, containerId: string): Promise<boolean> {
  try {
    return (await client.containers.retrieve(containerId)).status !== 'expired';
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/** The upstream ids of a definition's data files, found by the names the sync uploads them under. */
function cachedDataFileIds(deps: RequestDeps): (definition: AssistantDefinition) => Promise<string[]> {
  const cache = new Map<string, { ids: string[]; at: number }>();
  return async (definition) => {
    if (definition.files.length === 0) return [];
    const hit = cache.get(definition.key);
    if (hit && deps.now() - hit.at < DATA_FILE_TTL_MS) return hit.ids;
    const wanted = new Map((await readDataFiles(deps.dataDir, definition.files)).map((file) => [uploadedFileName(deps.deploymentId, file), file.content.length]));
    const found = new Map<string, { id: string; createdAt: number }>();
    for await (const file of deps.client.files.list({ purpose: 'assistants' })) {
      const bytes = wanted.get(file.filename);
      if (bytes === undefined || file.bytes !== bytes || file.status === 'error') continue;
      const seen = found.get(file.filename);
      if (!seen || file.created_at > seen.createdAt) found.set(file.filename, { id: file.id, createdAt: file.created_at });
    }
    if (found.size < wanted.size) {
      throw new AppError('upstream_unavailable', `The data files of assistant "${definition.key}" are not uploaded for this deployment yet; run the assistants sync.`, 503);
    }
    const ids = [...found.values()].map((file) => file.id);
    cache.set(definition.key, { ids, at: deps.now() });
    return ids;
  };
}
