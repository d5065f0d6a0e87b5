// The Leases table: PK `lease`, RK `<name>`. A lease row names its holder and an expiry; taking it over
// (absent row → insert, expired or own row → replace with the read ETag) succeeds for exactly one contender.
// Used so that only one sweep runs at a time across instances.
import { columnMap, type Row } from './columns';
import { tableKey } from './keys';
import { deleteEntity, insertIfAbsent, readEntity, replaceIfUnchanged, type LazyTable } from './table-ops';

/** Times are epoch milliseconds. */
export interface LeaseRecord {
  name: string;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface LeaseStore {
  /** True when `holder` now holds the lease: it was free, expired, or already theirs (then it is extended). */
  acquireLease(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Extends a lease `holder` still holds (nobody took it over); false otherwise. */
  renewLease(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it; false otherwise. */
  releaseLease(name: string, holder: string): Promise<boolean>;
  getLease(name: string): Promise<LeaseRecord | null>;
}

const LEASE_PK = 'lease';

export function createLeaseStore(table: LazyTable, ledgerNow: () => number): LeaseStore {
  const read = async (name: string) => {
    const entity = await readEntity(table, LEASE_PK, tableKey(name));
    return entity && { etag: entity.etag, lease: rowToLease(entity) };
  };
  const row = (name: string, holder: string, acquiredAt: number, expiresAt: number): Row => LEASE_COLUMNS.toRow({ name, holder, acquiredAt, expiresAt });

  return {
    async acquireLease(name, holder, ttlMs, now = ledgerNow()) {
      const expiresAt = now + ttlMs;
      const current = await read(name);
      if (!current) return insertIfAbsent(table, LEASE_PK, tableKey(name), row(name, holder, now, expiresAt));
      const { lease, etag } = current;
      const mine = lease.holder === holder;
      if (!mine && lease.expiresAt > now) return false;
      return replaceIfUnchanged(table, LEASE_PK, tableKey(name), row(name, holder, mine ? lease.acquiredAt : now, expiresAt), etag);
    },

    async renewLease(name, holder, ttlMs, now = ledgerNow()) {
      const current = await read(name);
      if (!current || current.lease.holder !== holder) return false;
      const expiresAt = now + ttlMs;
      return replaceIfUnchanged(table, LEASE_PK, tableKey(name), row(name, holder, current.lease.acquiredAt, expiresAt), current.etag);
    },

    async releaseLease(name, holder) {
      const current = await read(name);
      if (!current || current.lease.holder !== holder) return false;
      return deleteEntity(table, LEASE_PK, tableKey(name), current.etag);
    },

    getLease: async (name) => (await read(name))?.lease ?? null,
  };
}

/** The Leases table's columns. */
const LEASE_COLUMNS = columnMap<LeaseRecord>({ name: 'string', holder: 'string', acquiredAt: 'time', expiresAt: 'time' }, { name: '', holder: '', acquiredAt: 0, expiresAt: 0 });
const rowToLease = LEASE_COLUMNS.fromRow;
