// The few Table storage patterns the ledger is built from: lazy table creation, point reads that
// answer undefined, insert-if-absent, partition queries, and an ETag-guarded read-modify-write loop.
import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { AppError } from '../../errors';
import { createOnce } from '../create-once';
import { compact, type Row } from './columns';

export type Entity = TableEntityResult<Row>;

/** A table that creates itself (once per process) before its first use. */
export interface LazyTable {
  readonly name: string;
  get(): Promise<TableClient>;
  /** The last version of each row this process read or wrote (see mutateEntity); absent: always read first. */
  readonly seen?: SeenRows;
}

export function lazyTable(client: TableClient): LazyTable {
  return {
    name: client.tableName,
    get: async () => {
      await createOnce(`table:${client.url}|${client.tableName}`, () => client.createTable());
      return client;
    },
    seen: seenRows(SEEN_ROWS_LIMIT),
  };
}

/**
 * Rows kept per table: enough for every run in flight in one worker (the bench holds 1000) plus their threads.
 * A row is a few kB, so this bounds the cache at a few MB.
 */
const SEEN_ROWS_LIMIT = 2048;

/**
 * The row and ETag this process last saw for each key, oldest dropped first. It only ever saves the read of a
 * read-modify-write: a write against a remembered ETag succeeds only if the row is still exactly that version, and
 * anything else (412, a mutation that decides NO_CHANGE or throws on it) falls back to a fresh read. Reads callers
 * see always come from the service.
 */
export interface SeenRows {
  get(key: string): { etag: string; row: Row } | undefined;
  set(key: string, etag: string | undefined, row: Row): void;
  delete(key: string): void;
}

export function seenRows(limit: number): SeenRows {
  const rows = new Map<string, { etag: string; row: Row }>();
  return {
    get: (key) => rows.get(key),
    set(key, etag, row) {
      rows.delete(key);
      if (!etag) return;
      rows.set(key, { etag, row: { ...row } });
      if (rows.size > limit) rows.delete(rows.keys().next().value as string);
    },
    delete: (key) => void rows.delete(key),
  };
}

const seenKey = (partitionKey: string, rowKey: string) => `${partitionKey}\u0000${rowKey}`;

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export async function readEntity(table: LazyTable, partitionKey: string, rowKey: string): Promise<Entity | undefined> {
  try {
    const entity = await (await table.get()).getEntity<Row>(partitionKey, rowKey);
    table.seen?.set(seenKey(partitionKey, rowKey), entity.etag, stripSystem(entity));
    return entity;
  } catch (error) {
    if (statusOf(error) === 404) table.seen?.delete(seenKey(partitionKey, rowKey));
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Inserts the row unless one with its keys exists; `false` means someone else's row is there (409). */
export async function insertIfAbsent(table: LazyTable, partitionKey: string, rowKey: string, row: Row): Promise<boolean> {
  try {
    const stored = compact(row);
    const created = await (await table.get()).createEntity({ ...stored, partitionKey, rowKey });
    table.seen?.set(seenKey(partitionKey, rowKey), created.etag, stored);
    return true;
  } catch (error) {
    if (statusOf(error) === 409) return false;
    throw error;
  }
}

/** Deletes a row; a missing row (404) or one changed since `etag` was read (412) reports false. */
export async function deleteEntity(table: LazyTable, partitionKey: string, rowKey: string, etag = '*'): Promise<boolean> {
  table.seen?.delete(seenKey(partitionKey, rowKey));
  try {
    await (await table.get()).deleteEntity(partitionKey, rowKey, { etag });
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 412) return false;
    throw error;
  }
}

/** Entities matching `filter`, in key order, stopping after `limit`. The service may return short pages, so pages are followed. */
export async function queryEntities(
  table: LazyTable,
  filter: string,
  options: { limit?: number; select?: string[] } = {},
): Promise<Entity[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const out: Entity[] = [];
  if (limit <= 0) return out;
  const pages = (await table.get())
    .listEntities<Row>({ queryOptions: { filter, ...(options.select ? { select: options.select } : {}) } })
    .byPage({ maxPageSize: Math.min(1000, Number.isFinite(limit) ? limit : 1000) });
  for await (const page of pages) {
    for (const entity of page) {
      out.push(entity);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** Replaces the row only if it still has `etag`; false when someone changed or removed it since it was read. */
export async function replaceIfUnchanged(table: LazyTable, partitionKey: string, rowKey: string, row: Row, etag: string): Promise<boolean> {
  try {
    const stored = compact(row);
    const updated = await (await table.get()).updateEntity({ ...stored, partitionKey, rowKey }, 'Replace', { etag });
    table.seen?.set(seenKey(partitionKey, rowKey), updated.etag, stored);
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 412) return false;
    throw error;
  }
}

/** Deletes every row of a partition, 100 per transaction (the service's batch limit); returns how many. */
export async function deletePartition(table: LazyTable, partitionKey: string): Promise<number> {
  const keys = await queryEntities(table, odata`PartitionKey eq ${partitionKey}`, { select: ['RowKey'] });
  const client = await table.get();
  for (let i = 0; i < keys.length; i += 100) {
    const actions = keys.slice(i, i + 100).map((k): TransactionAction => ['delete', { partitionKey, rowKey: String(k.rowKey) }]);
    await client.submitTransaction(actions);
  }
  return keys.length;
}

export const NO_CHANGE = Symbol('no change');

export interface MutateResult {
  /** The row as stored after the call (the unchanged row when the mutation chose NO_CHANGE). */
  row: Row;
  changed: boolean;
}

/**
 * Optimistic read-modify-write: reads the row, applies `mutation` (pure: it may run several times),
 * and replaces the row only if its ETag is unchanged; on 412 it re-reads and re-applies.
 * The first attempt skips the read when this process holds the row's last ETag (table.seen): the ETag-checked write
 * lands only on exactly that version, so the mutation saw the true row. When it did not (412), or the mutation chose
 * NO_CHANGE or threw on the remembered row (which may be stale), it goes on as if nothing was remembered.
 * Returns undefined when the row does not exist. Errors thrown by `mutation` propagate.
 */
export async function mutateEntity(
  table: LazyTable,
  partitionKey: string,
  rowKey: string,
  mutation: (current: Row) => Row | typeof NO_CHANGE,
  options: { maxAttempts?: number } = {},
): Promise<MutateResult | undefined> {
  const maxAttempts = options.maxAttempts ?? 25;
  const key = seenKey(partitionKey, rowKey);
  const remembered = table.seen?.get(key);
  if (remembered) {
    let next: Row | typeof NO_CHANGE = NO_CHANGE;
    try {
      next = mutation({ ...remembered.row });
    } catch {
      // Decided on a possibly stale row: decide again on a fresh read below.
    }
    if (next !== NO_CHANGE) {
      const written = await writeIfUnchanged(table, partitionKey, rowKey, next, remembered.etag);
      if (written !== 'conflict') return written;
    }
  }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await readEntity(table, partitionKey, rowKey);
    if (!current) return undefined;
    const next = mutation(stripSystem(current));
    if (next === NO_CHANGE) return { row: stripSystem(current), changed: false };
    const written = await writeIfUnchanged(table, partitionKey, rowKey, next, current.etag);
    if (written !== 'conflict') return written;
    // Lost the race: back off a little (with jitter, so contenders spread out) and re-read.
    await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
  }
  throw new AppError('conflict', `Too much contention updating ${table.name}; try again.`, 409);
}

/** One ETag-checked replace: the stored row, undefined when the row is gone (404), or 'conflict' (412). */
async function writeIfUnchanged(table: LazyTable, partitionKey: string, rowKey: string, next: Row, etag: string): Promise<MutateResult | undefined | 'conflict'> {
  const key = seenKey(partitionKey, rowKey);
  try {
    const row = compact(next);
    const updated = await (await table.get()).updateEntity({ ...row, partitionKey, rowKey }, 'Replace', { etag });
    table.seen?.set(key, updated.etag, row);
    return { row, changed: true };
  } catch (error) {
    const status = statusOf(error);
    table.seen?.delete(key);
    if (status === 404) return undefined;
    if (status !== 412) throw error;
    return 'conflict';
  }
}

/** The row's own columns, without keys, ETag, the service's Timestamp and `odata.*` annotations. */
export function stripSystem(entity: Entity): Row {
  const { partitionKey: _pk, rowKey: _rk, etag: _etag, timestamp: _ts, ...row } = entity as Entity & { timestamp?: unknown };
  return Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('odata.')));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
