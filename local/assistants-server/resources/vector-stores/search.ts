// Vector store search: the text of the store's completed files is cut into chunks as their chunking
// strategy says (tokens ≈ 4 characters), and the chunks are ranked by BM25 (MiniSearch) for the query.
// Scores are mapped into 0..1 (s / (s + 1)); attribute filters are applied before ranking.
import MiniSearch from 'minisearch';
import type { State } from '../../store/state';
import type { VectorStoreFile, VectorStoreSearchResult } from '../../store/wire-types';

export interface SearchOptions {
  maxResults: number;
  scoreThreshold: number;
  filters?: Filter | null;
}

export type Filter =
  | { type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin'; key: string; value: unknown }
  | { type: 'and' | 'or'; filters: Filter[] };

interface Chunk {
  id: number;
  fileId: string;
  filename: string;
  text: string;
  attributes: VectorStoreFile['attributes'];
}

const CHARS_PER_TOKEN = 4;

/** Splits text into windows of `size` characters overlapping by `overlap`, cut at whitespace when possible. */
export function chunkText(text: string, size: number, overlap: number): string[] {
  const clean = text.replace(/\r\n/g, '\n').trim();
  if (clean.length <= size) return clean ? [clean] : [];
  const out: string[] = [];
  let start = 0;
  while (start < clean.length) {
    let end = Math.min(clean.length, start + size);
    if (end < clean.length) {
      const space = clean.lastIndexOf(' ', end);
      if (space > start + size / 2) end = space;
    }
    out.push(clean.slice(start, end).trim());
    if (end >= clean.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return out;
}

function chunksOf(state: State, vectorStoreIds: string[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const storeId of vectorStoreIds) {
    for (const vsFile of state.storeFiles(storeId).values()) {
      if (vsFile.status !== 'completed') continue;
      const stored = state.files.get(vsFile.id);
      const bytes = state.fileContents.get(vsFile.id);
      if (!stored || !bytes) continue;
      const strategy = vsFile.chunking_strategy?.type === 'static' ? vsFile.chunking_strategy.static : { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 };
      for (const text of chunkText(bytes.toString('utf8'), strategy.max_chunk_size_tokens * CHARS_PER_TOKEN, strategy.chunk_overlap_tokens * CHARS_PER_TOKEN)) {
        chunks.push({ id: chunks.length, fileId: vsFile.id, filename: stored.file.filename, text, attributes: vsFile.attributes ?? {} });
      }
    }
  }
  return chunks;
}

export function matchesFilter(attributes: VectorStoreFile['attributes'], filter: Filter): boolean {
  if ('filters' in filter) return filter.type === 'and' ? filter.filters.every((f) => matchesFilter(attributes, f)) : filter.filters.some((f) => matchesFilter(attributes, f));
  const actual = attributes?.[filter.key];
  const expected = filter.value;
  switch (filter.type) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'nin':
      return Array.isArray(expected) && !expected.includes(actual);
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      return filter.type === 'gt' ? actual > expected : filter.type === 'gte' ? actual >= expected : filter.type === 'lt' ? actual < expected : actual <= expected;
    }
  }
}

/** Ranked chunks of the stores' files for the queries (best first). */
export function searchStores(state: State, vectorStoreIds: string[], queries: string[], options: SearchOptions): VectorStoreSearchResult[] {
  const chunks = chunksOf(state, vectorStoreIds).filter((c) => !options.filters || matchesFilter(c.attributes, options.filters));
  if (chunks.length === 0) return [];
  const index = new MiniSearch<Chunk>({ fields: ['text', 'filename'], idField: 'id', searchOptions: { boost: { text: 2 }, fuzzy: 0.2, prefix: true } });
  index.addAll(chunks);
  const best = new Map<number, number>();
  for (const query of queries) {
    for (const hit of index.search(query, { combineWith: 'OR' })) best.set(Number(hit.id), Math.max(best.get(Number(hit.id)) ?? 0, hit.score));
  }
  return [...best]
    .map(([id, raw]) => ({ chunk: chunks[id]!, score: Math.round((raw / (raw + 1)) * 10_000) / 10_000 }))
    .filter((r) => r.score >= options.scoreThreshold)
    .sort((a, b) => b.score - a.score || a.chunk.id - b.chunk.id)
    .slice(0, options.maxResults)
    .map(({ chunk, score }) => ({ file_id: chunk.fileId, filename: chunk.filename, score, attributes: chunk.attributes ?? {}, content: [{ type: 'text', text: chunk.text }] }));
}
