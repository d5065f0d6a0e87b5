// What a sweep test seeds, per protocol: assistants-world.ts and responses-world.ts build the same situations
// (ours vs another deployment's, fresh vs stale, used vs unused) out of each protocol's objects. Tests pick the
// world of TEST_UPSTREAM_PROTOCOL (seed.ts) and assert through this interface only.
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { KindSummary, SweepKind } from '../../../src/sweep';
import type { Stack } from './stack';

/** Upstream ids by object kind (the world's own keys: threads, assistants, conversations, responses, ...). */
export type Ids = Record<string, string[]>;

export interface World {
  gone: Ids;
  kept: Ids;
  staleThreadId: string;
  activeThreadId: string;
  /** What the real sweep of this world reports, kind by kind. */
  expected: Partial<Record<SweepKind, KindSummary>>;
  /** What a dry run lists, kind by kind (sorted). */
  wouldDelete: Partial<Record<SweepKind, string[]>>;
  /** Rows of the ledger's Files table before and after the real sweep. */
  fileRows: { before: number; after: number };
}

export interface StaleSet {
  ids: Ids;
  threadIds: string[];
}

export interface ProtocolWorld {
  seedWorld(stack: Stack): Promise<World>;
  /** `n` stale objects of each of four kinds (each one deletion against the cap), then the clock moves past every TTL. */
  seedStale(stack: Stack, n: number): Promise<StaleSet>;
  /** The kinds seedStale fills, in the order the sweep reaches them. */
  staleKinds: readonly SweepKind[];
  /** The key of `Ids` under which a thread's upstream object is. */
  threadKey: string;
  /** Which of `ids` still exist upstream. */
  existing(client: OpenAI, ids: Ids): Promise<Ids>;
  /** The upstream paths a sweep deletes for `ids`. */
  deletePaths(ids: Ids): string[];
  /** The path whose DELETE removes the thread upstream. */
  threadDeletePath(stack: Stack, threadId: string): Promise<string>;
  /** Upstream paths of the other protocol: the sweep never calls them. */
  otherProtocolPaths: RegExp;
}

/** `ids` with every list emptied: what `existing` answers once all are gone. */
export const none = (ids: Ids): Ids => Object.fromEntries(Object.keys(ids).map((k) => [k, []]));

/** Only `key`'s ids. */
export const only = (ids: Ids, key: string): Ids => ({ ...none(ids), [key]: ids[key] ?? [] });

export async function upload(client: OpenAI, filename: string): Promise<string> {
  return (await client.files.create({ file: await toFile(Buffer.from('a,b\n1,2\n'), filename), purpose: 'assistants' })).id;
}

/** An upload through "our API": upstream, plus its ledger Files row (as POST /files writes it). */
export async function ourUpload(stack: Stack, ownerId: string, filename: string, at: number): Promise<string> {
  const id = await upload(stack.seed, filename);
  await stack.ledger.recordFile({ fileId: id, source: 'upload', purpose: 'assistants', ownerId, filename, bytes: 8, contentType: 'text/csv', createdAt: at });
  return id;
}

/** Which of `ids` still exist, by kind: `retrieve` per kind, 404 = gone. */
export async function existingBy(ids: Ids, retrieve: Record<string, (id: string) => Promise<unknown>>): Promise<Ids> {
  const out: Ids = {};
  for (const [kind, list] of Object.entries(ids)) {
    const get = retrieve[kind];
    if (!get) throw new Error(`no retrieve for ${kind}`);
    out[kind] = [];
    for (const id of list) {
      try {
        await get(id);
        out[kind].push(id);
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
  }
  return out;
}

export function pathsBy(ids: Ids, prefixes: Record<string, string>): string[] {
  return Object.entries(ids)
    .flatMap(([kind, list]) => list.map((id) => `${prefixes[kind]}/${id}`))
    .sort();
}

export const kind = (examined: number, deleted: number, skipped: KindSummary['skipped'] = {}, failed = 0): KindSummary => ({ examined, deleted, skipped, failed });
