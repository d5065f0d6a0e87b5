import { describe, expect, it } from 'vitest';
import type { RunEventStore, StoredEvent } from '../../../src/store/ledger';
import { newId, useLedger } from './use-ledger';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (seconds: number) => t0 + seconds * 1000;

describe('ledger leases', () => {
  const fx = useLedger();

  it('grants a free lease to exactly one of several concurrent contenders', async () => {
    const name = newId('sweep');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => fx.ledger.acquireLease(name, holder, 60_000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const holder = ['a', 'b', 'c', 'd'][results.indexOf(true)];
    expect((await fx.ledger.getLease(name))?.holder).toBe(holder);
  });

  it('refuses a held lease, lets the holder renew, and hands an expired lease over to one contender', async () => {
    const name = newId('sweep');
    expect(await fx.ledger.acquireLease(name, 'a', 60_000, t0)).toBe(true);
    expect(await fx.ledger.acquireLease(name, 'b', 60_000, at(30))).toBe(false);
    expect(await fx.ledger.renewLease(name, 'b', 60_000, at(30))).toBe(false);
    expect(await fx.ledger.renewLease(name, 'a', 60_000, at(50))).toBe(true);
    // Renewed until at(110): still held at at(100).
    expect(await fx.ledger.acquireLease(name, 'b', 60_000, at(100))).toBe(false);

    const takeovers = await Promise.all(['b', 'c'].map((holder) => fx.ledger.acquireLease(name, holder, 60_000, at(120))));
    expect(takeovers.filter(Boolean)).toHaveLength(1);
    // The old holder lost it: its renewal and release now fail.
    expect(await fx.ledger.renewLease(name, 'a', 60_000, at(121))).toBe(false);
    expect(await fx.ledger.releaseLease(name, 'a')).toBe(false);
  });

  it('frees a released lease for the next holder', async () => {
    const name = newId('sweep');
    expect(await fx.ledger.acquireLease(name, 'a', 60_000, t0)).toBe(true);
    expect(await fx.ledger.releaseLease(name, 'a')).toBe(true);
    expect(await fx.ledger.getLease(name)).toBeNull();
    expect(await fx.ledger.acquireLease(name, 'b', 60_000, at(1))).toBe(true);
  });
});

describe('ledger retention', () => {
  const fx = useLedger();

  const seedRun = async (threadId: string, createdAt: number) => {
    const runId = newId('run');
    await fx.ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'k', assistantId: 'asst', status: 'completed', createdAt });
    await fx.ledger.claimToolCall({ runId, toolCallId: newId('call'), threadId, name: 'n', arguments: '{}', claimedAt: createdAt, claimToken: 't' });
    // The table holds any event; made-up ones will do.
    const events = fx.ledger as unknown as RunEventStore<StoredEvent>;
    await events.appendRunEvent(runId, { type: 'run.completed', data: {}, at: createdAt });
    await events.appendRunEvent(runId, { type: 'done', data: {}, at: createdAt });
    return runId;
  };

  it('deletes runs older than the cutoff with their tool calls and events, and keeps newer ones', async () => {
    const threadId = newId('thread');
    const old = await seedRun(threadId, Date.parse('2019-01-01T00:00:00.000Z'));
    const recent = await seedRun(threadId, Date.parse('2030-01-01T00:00:00.000Z'));

    const result = await fx.ledger.deleteRunsOlderThan(Date.parse('2020-01-01T00:00:00.000Z'));
    expect(result).toEqual({ runs: 1, toolCalls: 1, runEvents: 2 });
    expect(await fx.ledger.getRun(threadId, old)).toBeNull();
    expect(await fx.ledger.listToolCalls(old)).toEqual([]);
    expect(await fx.ledger.listRunEvents(old)).toEqual([]);
    expect(await fx.ledger.getRun(threadId, recent)).not.toBeNull();
    expect(await fx.ledger.listRunEvents(recent)).toHaveLength(2);
  });

  it('purges a thread entirely', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'carol', createdAt: t0 });
    const runId = await seedRun(threadId, t0);
    expect(await fx.ledger.purgeThread(threadId)).toEqual({ runs: 1, toolCalls: 1, runEvents: 2 });
    expect(await fx.ledger.getThread(threadId)).toBeNull();
    expect(await fx.ledger.getRun(threadId, runId)).toBeNull();
    expect((await fx.ledger.listThreadsByOwner('carol')).threads).toEqual([]);
  });
});
