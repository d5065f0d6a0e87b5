// The Sweeps table: PK `sweep`, RK `<sweepId>`. One row per sweep requested through the API: recorded `queued`
// before its queue message is sent (the row is the outbox: the reconciler re-sends what never went out), claimed
// `running` by the worker with an ETag compare-and-set, and ended with the sweep's summary or a reason. The rules
// (who may claim, coalescing, re-sending) live in src/sweep/requests.ts; this module only stores rows.
import { odata } from '@azure/data-tables';
import type { SweepSummary } from '../../sweep/summary';
import type { SweepRequestReason, SweepRequestStatus } from '../../sweep/request-facts';
import { columnMap } from './columns';
import { deleteEntity, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, type LazyTable } from './table-ops';

/** Times are epoch milliseconds. */
export interface SweepRequestRecord {
  sweepId: string;
  status: SweepRequestStatus;
  dryRun: boolean;
  requestedAt: number;
  /** Last change of the row (claim, outcome, re-send): the reconciler's staleness clock. */
  updatedAt: number;
  /** The queue message id of the delivery that claimed it: a redelivery of that message may take it again. */
  claim?: string;
  claimedAt?: number;
  /** Deliveries that claimed it. */
  attempts: number;
  /** Messages sent for it: the route's, then each of the reconciler's. */
  sends: number;
  startedAt?: number;
  finishedAt?: number;
  summary?: SweepSummary;
  reason?: SweepRequestReason;
}

export interface SweepRequestStore {
  /** Inserts a new request; false when the id is taken. */
  recordSweepRequest(record: SweepRequestRecord): Promise<boolean>;
  getSweepRequest(sweepId: string): Promise<SweepRequestRecord | null>;
  /**
   * Read-modify-write under the row's ETag: `change` (pure, it may run again after a lost race) returns the new
   * record, or null to leave it. Undefined when the row does not exist.
   */
  changeSweepRequest(sweepId: string, change: (current: SweepRequestRecord) => SweepRequestRecord | null): Promise<{ record: SweepRequestRecord; changed: boolean } | undefined>;
  /** Requests still queued or running, oldest id first (a handful at most: requests coalesce). */
  listOpenSweepRequests(options?: { limit?: number }): Promise<SweepRequestRecord[]>;
  /** Deletes up to `limit` (default 100) ended requests made before `cutoff`; returns how many. */
  deleteSweepRequestsBefore(cutoff: number, options?: { limit?: number }): Promise<number>;
}

const SWEEP_PK = 'sweep';

const SWEEP_COLUMNS = columnMap<SweepRequestRecord>(
  {
    sweepId: 'string',
    status: 'string',
    dryRun: 'boolean',
    requestedAt: 'time',
    updatedAt: 'time',
    claim: 'string',
    claimedAt: 'time',
    attempts: 'number',
    sends: 'number',
    startedAt: 'time',
    finishedAt: 'time',
    summary: 'json',
    reason: 'json',
  },
  { status: 'queued', dryRun: false, requestedAt: 0, updatedAt: 0, attempts: 0, sends: 0 },
);

export function createSweepRequestStore(table: LazyTable): SweepRequestStore {
  return {
    recordSweepRequest: (record) => insertIfAbsent(table, SWEEP_PK, record.sweepId, SWEEP_COLUMNS.toRow(record)),

    async getSweepRequest(sweepId) {
      const entity = await readEntity(table, SWEEP_PK, sweepId);
      return entity ? SWEEP_COLUMNS.fromRow(entity) : null;
    },

    async changeSweepRequest(sweepId, change) {
      const result = await mutateEntity(table, SWEEP_PK, sweepId, (row) => {
        const next = change(SWEEP_COLUMNS.fromRow(row));
        return next ? SWEEP_COLUMNS.toRow(next) : NO_CHANGE;
      });
      return result && { record: SWEEP_COLUMNS.fromRow(result.row), changed: result.changed };
    },

    async listOpenSweepRequests(options = {}) {
      const filter = odata`PartitionKey eq ${SWEEP_PK} and (status eq ${'queued'} or status eq ${'running'})`;
      return (await queryEntities(table, filter, { limit: options.limit ?? 100 })).map((entity) => SWEEP_COLUMNS.fromRow(entity));
    },

    async deleteSweepRequestsBefore(cutoff, options = {}) {
      const filter = odata`PartitionKey eq ${SWEEP_PK} and requestedAt lt ${new Date(cutoff)} and status ne ${'queued'} and status ne ${'running'}`;
      let deleted = 0;
      for (const entity of await queryEntities(table, filter, { limit: options.limit ?? 100, select: ['RowKey'] })) {
        if (await deleteEntity(table, SWEEP_PK, String(entity.rowKey))) deleted++;
      }
      return deleted;
    },
  };
}
