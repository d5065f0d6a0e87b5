// tool_resources of assistants and threads: referenced files and vector stores must exist;
// `file_search.vector_stores` creates the store on the fly, as the service does.
import type { Services } from '../http/context';
import type { Assistant } from '../store/wire-types';
import { findFile, findVectorStore } from './lookup';
import type { ToolResourcesBody } from './shared-schemas';
import { createVectorStore } from './vector-stores/records';

export type ToolResources = NonNullable<Assistant['tool_resources']>;

export function resolveToolResources(services: Services, body: ToolResourcesBody | undefined): ToolResources {
  const { state } = services.store;
  const out: ToolResources = {};
  if (!body) return out;
  if (body.code_interpreter) {
    const fileIds = body.code_interpreter.file_ids ?? [];
    for (const id of fileIds) findFile(state, id);
    out.code_interpreter = { file_ids: fileIds };
  }
  if (body.file_search) {
    const ids = [...(body.file_search.vector_store_ids ?? [])];
    for (const id of ids) findVectorStore(state, id);
    for (const spec of body.file_search.vector_stores ?? []) ids.push(createVectorStore(services, { file_ids: spec.file_ids, chunking_strategy: spec.chunking_strategy, metadata: spec.metadata }).id);
    out.file_search = { vector_store_ids: ids };
  }
  return out;
}
