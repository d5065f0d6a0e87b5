// The RunEvents table: PK `<runId>`, RK = zero-padded sequence number, so a frontend resuming its event stream
// reads `RowKey gt <last seq>` in order. Sequence numbers are assigned by insert-if-absent: an appender tries
// the number after the last one it knows of; on 409 it looks up the highest taken number and tries the next.
// A number is only ever tried once its predecessor exists, so concurrent appenders leave neither gaps nor duplicates.
import { odata } from '@azure/data-tables';
import { AppError } from '../../errors';
import type { RunEvent } from '../../runs/run-facts';
import { columnMap, type Row } from './columns';
import { sequenceKey, tableKey } from './keys';
import { deletePartition, insertIfAbsent, queryEntities, type LazyTable } from './table-ops';

/** What the table can hold: the ledger is typed for RunEvent (src/runs/run-facts.ts), the table for any event. */
export interface StoredEvent {
  type: string;
  data: unknown;
}

export type RunEventRecord<E extends StoredEvent = RunEvent> = E & {
  runId: string;
  /** 1, 2, 3, ... per run. */
  seq: number;
  /** Epoch milliseconds. */
  at: number;
};

/** An event to append; `at` (epoch milliseconds) defaults to the ledger clock. */
export type NewRunEvent<E extends StoredEvent = RunEvent> = E & { at?: number };

export interface RunEventStore<E extends StoredEvent = RunEvent> {
  /** Appends the event and returns its sequence number. */
  appendRunEvent(runId: string, event: NewRunEvent<E>): Promise<number>;
  /** Events with seq > afterSeq (default 0), in order, at most `limit` (default 1000). */
  listRunEvents(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<RunEventRecord<E>[]>;
  /** Removes all of a run's events; returns how many. */
  deleteRunEvents(runId: string): Promise<number>;
}

/** How many runs' last sequence numbers this process remembers (a cache: misses only cost a 409 and a query). */
const REMEMBERED_RUNS = 1_000;
const MAX_ATTEMPTS = 50;

export function createRunEventStore(table: LazyTable, now: () => number): RunEventStore {
  const lastSeq = new Map<string, number>();
  const remember = (runId: string, seq: number) => {
    lastSeq.delete(runId);
    lastSeq.set(runId, seq);
    if (lastSeq.size > REMEMBERED_RUNS) lastSeq.delete(lastSeq.keys().next().value as string);
  };

  return {
    async appendRunEvent(runId, event) {
      const pk = tableKey(runId);
      const record = { runId, type: event.type, data: event.data ?? null, at: event.at ?? now() } as RunEventRecord;
      let seq = (lastSeq.get(runId) ?? 0) + 1;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await insertIfAbsent(table, pk, sequenceKey(seq), eventToRow({ ...record, seq }))) {
          remember(runId, seq);
          return seq;
        }
        const taken = await queryEntities(table, odata`PartitionKey eq ${pk} and RowKey ge ${sequenceKey(seq)}`, { select: ['RowKey'] });
        seq = Math.max(seq, ...taken.map((row) => Number(row.rowKey))) + 1;
      }
      throw new AppError('conflict', 'Too many concurrent writers to the run event log; try again.', 409);
    },

    async listRunEvents(runId, options = {}) {
      const filter = odata`PartitionKey eq ${tableKey(runId)} and RowKey gt ${sequenceKey(options.afterSeq ?? 0)}`;
      return (await queryEntities(table, filter, { limit: options.limit ?? 1000 })).map(rowToEvent);
    },

    async deleteRunEvents(runId) {
      lastSeq.delete(runId);
      return deletePartition(table, tableKey(runId));
    },
  };
}

/** The RunEvents table's columns. The row holds what appendRunEvent was given. */
const EVENT_COLUMNS = columnMap<RunEventRecord<StoredEvent>>({ runId: 'string', seq: 'number', type: 'string', data: 'json', at: 'time' }, { data: null, at: 0 });
const eventToRow = EVENT_COLUMNS.toRow;
const rowToEvent = EVENT_COLUMNS.fromRow as (row: Row) => RunEventRecord;
