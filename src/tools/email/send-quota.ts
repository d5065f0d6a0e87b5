// Caps on send_email: per run and per user per clock hour (UTC). A call reserves one unit of each counter before
// it sends; a reservation is a conditional increment (ETag-guarded read-modify-write on one Table row per counter),
// so concurrent workers cannot both take the last unit. Calls that were refused for a cap do not count.
import type { Config } from '../../config';
import { insertIfAbsent, lazyTable, mutateEntity, NO_CHANGE, type LazyTable } from '../../store/ledger/table-ops';
import type { StorageClients } from '../../store/storage-clients';
import { tableKey } from '../../store/ledger/keys';

export interface QuotaRequest {
  runId: string;
  userId?: string;
  /** Epoch ms (selects the hour). */
  at: number;
}

export type QuotaDecision = { ok: true } | { ok: false; message: string };

export interface EmailQuota {
  reserve(request: QuotaRequest): Promise<QuotaDecision>;
}

type Limits = Pick<Config, 'EMAIL_MAX_PER_RUN' | 'EMAIL_MAX_PER_USER_PER_HOUR'>;

/** A counter store: takes one unit of `key` unless it already holds `max`; gives it back on release. */
export interface CounterStore {
  take(key: { partition: string; row: string }, max: number): Promise<boolean>;
  release(key: { partition: string; row: string }): Promise<void>;
}

export const hourBucket = (at: number) => new Date(at).toISOString().slice(0, 13); // 2026-12-01T09

export function createEmailQuota(limits: Limits, counters: CounterStore): EmailQuota {
  return {
    async reserve({ runId, userId, at }) {
      const run = { partition: 'run', row: runId };
      if (!(await counters.take(run, limits.EMAIL_MAX_PER_RUN))) {
        return { ok: false, message: `This conversation turn already sent the most emails allowed (${limits.EMAIL_MAX_PER_RUN}); no email was sent.` };
      }
      if (userId === undefined) return { ok: true };
      if (!(await counters.take({ partition: `user|${userId}`, row: hourBucket(at) }, limits.EMAIL_MAX_PER_USER_PER_HOUR))) {
        await counters.release(run);
        return { ok: false, message: `The hourly email limit for this user (${limits.EMAIL_MAX_PER_USER_PER_HOUR}) is reached; no email was sent. Try again next hour.` };
      }
      return { ok: true };
    },
  };
}

/** In memory: tests and single-process tools. */
export function memoryCounters(): CounterStore & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const id = (key: { partition: string; row: string }) => `${key.partition}/${key.row}`;
  return {
    counts,
    async take(key, max) {
      const n = counts.get(id(key)) ?? 0;
      if (n >= max) return false;
      counts.set(id(key), n + 1);
      return true;
    },
    async release(key) {
      counts.set(id(key), Math.max(0, (counts.get(id(key)) ?? 0) - 1));
    },
  };
}

/** One Table row per counter `{count}`; increments are ETag-conditional, so they are atomic across workers. */
export function tableCounters(table: LazyTable): CounterStore {
  const keys = (key: { partition: string; row: string }) => [tableKey(key.partition), tableKey(key.row)] as const;
  return {
    async take(key, max) {
      if (max <= 0) return false;
      const [pk, rk] = keys(key);
      for (;;) {
        const result = await mutateEntity(table, pk, rk, (row) => (Number(row.count ?? 0) >= max ? NO_CHANGE : { ...row, count: Number(row.count ?? 0) + 1 }));
        if (result) return result.changed;
        // No row yet: the first taker creates it with count 1; losing that race (409) means re-reading.
        if (await insertIfAbsent(table, pk, rk, { count: 1 })) return true;
      }
    },
    async release(key) {
      const [pk, rk] = keys(key);
      await mutateEntity(table, pk, rk, (row) => (Number(row.count ?? 0) <= 0 ? NO_CHANGE : { ...row, count: Number(row.count) - 1 }));
    },
  };
}

/** The deployed quota: counters in the `<LEDGER_TABLE_PREFIX>EmailQuota` table. */
export function createStorageEmailQuota(config: Limits & Pick<Config, 'LEDGER_TABLE_PREFIX'>, storage: Pick<StorageClients, 'table'>): EmailQuota {
  return createEmailQuota(config, tableCounters(lazyTable(storage.table(`${config.LEDGER_TABLE_PREFIX}EmailQuota`))));
}
