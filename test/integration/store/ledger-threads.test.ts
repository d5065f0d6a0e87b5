import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors';
import { newId, useLedger } from './use-ledger';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (minutes: number) => t0 + minutes * 60_000;

describe('ledger threads', () => {
  const fx = useLedger();

  it('creates a thread and reads it back by id', async () => {
    const threadId = newId('thread');
    const created = await fx.ledger.createThread({ threadId, ownerId: 'alice', assistantKey: 'banking', metadata: { title: 'Hi' }, createdAt: t0 });
    expect(created.lastActivityAt).toBe(t0);

    const read = await fx.ledger.getThread(threadId);
    expect(read).toMatchObject({ threadId, ownerId: 'alice', assistantKey: 'banking', metadata: { title: 'Hi' }, createdAt: t0, lastActivityAt: t0 });
    expect(read?.activeRunId).toBeUndefined();
    expect(await fx.ledger.getThread(newId('thread'))).toBeNull();
  });

  it('is idempotent for the same owner and refuses another owner', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    const again = await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: at(5) });
    expect(again.createdAt).toBe(t0);
    await expect(fx.ledger.createThread({ threadId, ownerId: 'mallory', createdAt: t0 })).rejects.toMatchObject({ code: 'conflict', status: 409 });
    expect((await fx.ledger.listThreadsByOwner('alice', { limit: 100 })).threads.filter((t) => t.threadId === threadId)).toHaveLength(1);
  });

  it("answers another owner's thread as absent", async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    expect(await fx.ledger.getOwnedThread(threadId, 'alice')).toMatchObject({ threadId });
    expect(await fx.ledger.getOwnedThread(threadId, 'bob')).toBeNull();
  });

  it('lists an owner’s threads newest first, page by page', async () => {
    // Characters Table storage forbids in keys must still work as owner ids.
    const owner = `user-${newId('o')}@example.com/with#odd?chars\\`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const threadId = newId('thread');
      ids.push(threadId);
      await fx.ledger.createThread({ threadId, ownerId: owner, createdAt: at(i) });
    }
    await fx.ledger.createThread({ threadId: newId('thread'), ownerId: 'someone-else', createdAt: at(10) });

    const first = await fx.ledger.listThreadsByOwner(owner, { limit: 2 });
    expect(first.threads.map((t) => t.threadId)).toEqual([ids[4], ids[3]]);
    expect(first.hasMore).toBe(true);
    const second = await fx.ledger.listThreadsByOwner(owner, { limit: 2, after: ids[3] });
    expect(second.threads.map((t) => t.threadId)).toEqual([ids[2], ids[1]]);
    const last = await fx.ledger.listThreadsByOwner(owner, { limit: 2, after: ids[1] });
    expect(last.threads.map((t) => t.threadId)).toEqual([ids[0]]);
    expect(last.hasMore).toBe(false);
    // Another owner's thread is not a valid cursor.
    await expect(fx.ledger.listThreadsByOwner('someone-else', { after: ids[0] })).rejects.toMatchObject({ status: 400 });
  });

  it('touches forward only', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    await fx.ledger.touchThread(threadId, at(30));
    await fx.ledger.touchThread(threadId, at(10));
    expect((await fx.ledger.getThread(threadId))?.lastActivityAt).toBe(at(30));
    // An unknown thread is no error and creates nothing.
    const unknown = newId('thread');
    await fx.ledger.touchThread(unknown, at(1));
    expect(await fx.ledger.getThread(unknown)).toBeNull();
  });

  it('marks the thread active when its run is claimed and when it is released (no separate touch)', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    await fx.ledger.setActiveRun(threadId, 'run_a', { at: at(20) });
    expect((await fx.ledger.getThread(threadId))?.lastActivityAt).toBe(at(20));
    await fx.ledger.setActiveRun(threadId, null, { expectRunId: 'run_a', at: at(50) });
    expect(await fx.ledger.getThread(threadId)).toMatchObject({ activeRunId: undefined, lastActivityAt: at(50) });
  });

  it('lets exactly one of two concurrent claims own the thread, naming the winner to the loser', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    const runs = [newId('run'), newId('run')];
    const results = await Promise.allSettled(runs.map((runId) => fx.ledger.setActiveRun(threadId, runId)));

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const active = (await fx.ledger.getThread(threadId))?.activeRunId;
    expect(runs).toContain(active);
    expect(lost[0]!.reason).toBeInstanceOf(AppError);
    expect(lost[0]!.reason).toMatchObject({ code: 'run_active', status: 409, details: { runId: active } });
  });

  it('re-claims idempotently, releases only the expected run, and takes over an expected stale run', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: t0 });
    const [a, b] = [newId('run'), newId('run')];
    const thread = async () => (await fx.ledger.getThread(threadId))!;
    await fx.ledger.setActiveRun(threadId, a, { at: at(1) });
    expect(await thread()).toMatchObject({ activeRunId: a, activeRunSince: at(1) });
    await fx.ledger.setActiveRun(threadId, a);
    expect((await thread()).activeRunId).toBe(a);

    await fx.ledger.setActiveRun(threadId, null, { expectRunId: b });
    expect((await thread()).activeRunId).toBe(a);
    await fx.ledger.setActiveRun(threadId, b, { expectRunId: a });
    expect((await thread()).activeRunId).toBe(b);
    await fx.ledger.setActiveRun(threadId, null, { expectRunId: b });
    expect((await thread()).activeRunId).toBeUndefined();
    await expect(fx.ledger.setActiveRun(newId('thread'), a)).rejects.toMatchObject({ code: 'not_found' });
    await expect(fx.ledger.setActiveRun(newId('thread'), null, { expectRunId: a })).resolves.toBeUndefined();
  });

  it('marks a thread deleted: gone from listings and ownership checks, no new runs', async () => {
    const owner = newId('owner');
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: owner, createdAt: t0 });
    await fx.ledger.setActiveRun(threadId, newId('run'));
    const deleted = await fx.ledger.markThreadDeleted(threadId, at(2));
    expect(deleted?.deletedAt).toBe(at(2));
    expect(deleted?.activeRunId).toBeUndefined();
    expect((await fx.ledger.listThreadsByOwner(owner)).threads).toEqual([]);
    expect(await fx.ledger.getOwnedThread(threadId, owner)).toBeNull();
    await expect(fx.ledger.setActiveRun(threadId, newId('run'))).rejects.toMatchObject({ code: 'not_found' });
    expect(await fx.ledger.markThreadDeleted(newId('thread'), at(2))).toBeNull();
  });

  it('lists threads inactive since a cutoff for the sweeper', async () => {
    const base = Date.parse('2020-06-01T00:00:00.000Z');
    const day = 86_400_000;
    const [stale, fresh, gone] = [newId('thread'), newId('thread'), newId('thread')];
    for (const threadId of [stale, fresh, gone]) await fx.ledger.createThread({ threadId, ownerId: 'alice', createdAt: base });
    await fx.ledger.touchThread(fresh, base + 20 * day);
    await fx.ledger.markThreadDeleted(gone, base + day);

    const cutoff = base + 10 * day;
    const ids = (await fx.ledger.listThreadsInactiveSince(cutoff)).map((t) => t.threadId);
    expect(ids).toContain(stale);
    expect(ids).not.toContain(fresh);
    expect(ids).not.toContain(gone);
    expect((await fx.ledger.listThreadsInactiveSince(cutoff, { includeDeleted: true })).map((t) => t.threadId)).toContain(gone);
  });
});
