// The send_email caps' counters on Azurite: conditional increments are atomic under concurrency.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { createStorageClients } from '../../../src/store/storage-clients';
import { createStorageEmailQuota, type EmailQuota } from '../../../src/tools/email/send-quota';
import { useAzurite } from '../../support/azurite';

const azurite = useAzurite();
let quota: EmailQuota;

beforeAll(() => {
  const config = loadConfig({ AzureWebJobsStorage: azurite.current.connectionString, EMAIL_MAX_PER_RUN: '5', EMAIL_MAX_PER_USER_PER_HOUR: '7' });
  quota = createStorageEmailQuota(config, createStorageClients(config));
});

describe('email quota in Table storage', () => {
  it('lets exactly the cap through when many workers reserve at once (per run)', async () => {
    const runId = `run_${randomUUID()}`;
    const at = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => quota.reserve({ runId, userId: `user_${i}`, at })));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it('lets exactly the cap through per user per hour, across runs, and starts again the next hour', async () => {
    const userId = `user/${randomUUID()}`;
    const at = Date.parse('2026-12-01T09:10:00Z');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => quota.reserve({ runId: `run_${randomUUID()}_${i}`, userId, at })));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect((await quota.reserve({ runId: `run_${randomUUID()}`, userId, at: at + 3_600_000 })).ok).toBe(true);
  });

  it('does not count a run reservation refused by the user cap', async () => {
    const userId = `user_${randomUUID()}`;
    const runId = `run_${randomUUID()}`;
    const at = Date.parse('2026-12-01T11:00:00Z');
    for (let i = 0; i < 7; i++) expect((await quota.reserve({ runId: `run_${randomUUID()}`, userId, at })).ok).toBe(true);
    expect((await quota.reserve({ runId, userId, at })).ok).toBe(false);
    // The refused attempt gave its run unit back: another user can still use all 5 on that run.
    const others = await Promise.all(Array.from({ length: 5 }, () => quota.reserve({ runId, userId: `user_${randomUUID()}`, at })));
    expect(others.every((r) => r.ok)).toBe(true);
  });
});
