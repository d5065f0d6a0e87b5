import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import type { LeaseRecord, LeaseStore } from '../../../src/store/ledger';
import { acquireSweepLease } from '../../../src/sweep/lease';

/** The ledger's lease rules over a Map (the Azurite-backed store is tested with the ledger). */
function memoryLeases(): LeaseStore & { rows: Map<string, LeaseRecord>; renewals: number } {
  const rows = new Map<string, LeaseRecord>();
  const store = {
    rows,
    renewals: 0,
    async acquireLease(name: string, holder: string, ttlMs: number, now = 0) {
      const current = rows.get(name);
      if (current && current.holder !== holder && current.expiresAt > now) return false;
      rows.set(name, { name, holder, acquiredAt: now, expiresAt: now + ttlMs });
      return true;
    },
    async renewLease(name: string, holder: string, ttlMs: number, now = 0) {
      store.renewals += 1;
      const current = rows.get(name);
      if (current?.holder !== holder) return false;
      rows.set(name, { ...current, expiresAt: now + ttlMs });
      return true;
    },
    async releaseLease(name: string, holder: string) {
      if (rows.get(name)?.holder !== holder) return false;
      return rows.delete(name);
    },
    getLease: async (name: string) => rows.get(name) ?? null,
  };
  return store;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = createLogger({ sink: () => {} });

describe('acquireSweepLease', () => {
  it('refuses while another holder has the lease', async () => {
    const leases = memoryLeases();
    await leases.acquireLease('sweep', 'other', 60_000, 1_000);
    expect(await acquireSweepLease(leases, { name: 'sweep', holder: 'me', ttlMs: 60_000, now: () => 1_000, logger })).toBeUndefined();
  });

  it('renews while held and gives the lease back on release', async () => {
    const leases = memoryLeases();
    let now = 1_000;
    const lease = await acquireSweepLease(leases, { name: 'sweep', holder: 'me', ttlMs: 60_000, now: () => now, logger, renewEveryMs: 5 });
    now = 2_000;
    await wait(30);
    expect(leases.renewals).toBeGreaterThan(0);
    expect(leases.rows.get('sweep')?.expiresAt).toBe(62_000);
    expect(lease?.lost).toBe(false);
    await lease?.release();
    expect(leases.rows.has('sweep')).toBe(false);
    const renewals = leases.renewals;
    await wait(20);
    expect(leases.renewals).toBe(renewals);
  });

  it('reports the lease lost once someone else took it over', async () => {
    const leases = memoryLeases();
    const lease = await acquireSweepLease(leases, { name: 'sweep', holder: 'me', ttlMs: 60_000, now: () => 0, logger, renewEveryMs: 5 });
    leases.rows.set('sweep', { name: 'sweep', holder: 'usurper', acquiredAt: 0, expiresAt: 99_999 });
    await wait(30);
    expect(lease?.lost).toBe(true);
    await lease?.release();
    expect(leases.rows.get('sweep')?.holder).toBe('usurper');
  });
});
