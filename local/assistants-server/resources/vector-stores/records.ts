// Vector store state: files are accepted `in_progress` and become `completed` a moment later
// (no chunking or embedding happens); the store's file_counts and usage_bytes follow its files.
import type { z } from 'zod';
import type { Services } from '../../http/context';
import { newId } from '../../store/ids';
import type { Metadata, VectorStore, VectorStoreFile } from '../../store/wire-types';
import { findFile } from '../lookup';
import type { chunkingStrategySchema } from '../shared-schemas';

const PROCESSING_MS = 30;
const DEFAULT_CHUNKING = { type: 'static' as const, static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } };

type Chunking = z.output<typeof chunkingStrategySchema>;

export interface NewVectorStore {
  name?: string | null;
  file_ids?: string[];
  expires_after?: { anchor: 'last_active_at'; days: number };
  metadata?: Metadata | null;
  chunking_strategy?: Chunking;
}

export function createVectorStore(services: Services, input: NewVectorStore): VectorStore {
  const { state } = services.store;
  for (const id of input.file_ids ?? []) findFile(state, id);
  const now = services.clock.nowSeconds();
  const store: VectorStore = {
    id: newId.vectorStore(),
    object: 'vector_store',
    created_at: now,
    name: input.name ?? '',
    usage_bytes: 0,
    file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
    status: 'completed',
    last_active_at: now,
    metadata: input.metadata ?? {},
    expires_at: null,
    ...(input.expires_after ? { expires_after: input.expires_after } : {}),
  };
  setExpiry(store);
  state.vectorStores.set(store.id, store);
  for (const id of input.file_ids ?? []) attachFile(services, store.id, id, input.chunking_strategy);
  refresh(services, store);
  services.store.changed();
  return store;
}

export function setExpiry(store: VectorStore): void {
  store.expires_at = store.expires_after && store.last_active_at !== null ? store.last_active_at + store.expires_after.days * 86_400 : null;
}

/** Adds (or re-adds) a file; it completes after a short processing delay. */
export function attachFile(services: Services, vectorStoreId: string, fileId: string, chunking?: Chunking, attributes?: VectorStoreFile['attributes']): VectorStoreFile {
  const { state } = services.store;
  findFile(state, fileId);
  const file: VectorStoreFile = {
    id: fileId,
    object: 'vector_store.file',
    usage_bytes: 0,
    created_at: services.clock.nowSeconds(),
    vector_store_id: vectorStoreId,
    status: 'in_progress',
    last_error: null,
    chunking_strategy: chunking?.type === 'static' ? chunking : DEFAULT_CHUNKING,
    attributes: attributes ?? {},
  };
  state.storeFiles(vectorStoreId).set(fileId, file);
  services.clock.after(PROCESSING_MS, () => {
    if (state.storeFiles(vectorStoreId).get(fileId) !== file || file.status !== 'in_progress') return;
    file.status = 'completed';
    file.usage_bytes = state.files.get(fileId)?.file.bytes ?? 0;
    const store = state.vectorStores.get(vectorStoreId);
    if (store) refresh(services, store);
    for (const { batch, fileIds } of state.fileBatches.values()) if (batch.vector_store_id === vectorStoreId && fileIds.includes(fileId)) refreshBatch(services, batch.id);
    services.store.changed();
  });
  return file;
}

/** Recomputes counts, usage and status (including expiry against the clock). */
export function refresh(services: Services, store: VectorStore): VectorStore {
  const files = [...services.store.state.storeFiles(store.id).values()];
  store.file_counts = countsOf(files.map((f) => f.status));
  store.usage_bytes = files.reduce((sum, f) => sum + f.usage_bytes, 0);
  const expired = store.expires_at !== null && store.expires_at !== undefined && services.clock.nowSeconds() >= store.expires_at;
  store.status = expired ? 'expired' : store.file_counts.in_progress > 0 ? 'in_progress' : 'completed';
  return store;
}

export function refreshBatch(services: Services, batchId: string): void {
  const stored = services.store.state.fileBatches.get(batchId);
  if (!stored) return;
  const files = services.store.state.storeFiles(stored.batch.vector_store_id);
  const statuses = stored.fileIds.map((id) => files.get(id)?.status ?? 'failed');
  stored.batch.file_counts = countsOf(statuses);
  if (stored.batch.status === 'in_progress' && stored.batch.file_counts.in_progress === 0) stored.batch.status = 'completed';
}

function countsOf(statuses: VectorStoreFile['status'][]): VectorStore['file_counts'] {
  const count = (s: VectorStoreFile['status']) => statuses.filter((x) => x === s).length;
  return { in_progress: count('in_progress'), completed: count('completed'), failed: count('failed'), cancelled: count('cancelled'), total: statuses.length };
}
