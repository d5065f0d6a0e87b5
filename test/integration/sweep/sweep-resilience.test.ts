// Sweeps cut short, overlapping, or throttled still delete everything stale exactly once
// (world.seedStale: n stale objects of each of four kinds of the protocol, one deletion each).
import { describe, expect, it } from 'vitest';
import { SWEEP_LEASE_NAME } from '../../../src/sweep/lease';
import type { SweepSummary } from '../../../src/sweep';
import { bindResources, ourRun, ourThread, responsesWorld, threadContainer, threadStore } from './responses-world';
import { none, only, world } from './seed';
import { DAY, PROTOCOL, useSweepStack } from './stack';

const seedStale = world.seedStale;
const deletePaths = world.deletePaths;
const existing = world.existing;

const totalDeleted = (s: SweepSummary) => Object.values(s.kinds).reduce((sum, k) => sum + k.deleted, 0);

describe('sweep cut short', () => {
  const stack = useSweepStack({ SWEEP_MAX_DELETIONS: '5' });

  it('stops at SWEEP_MAX_DELETIONS and the next firings finish the job', async () => {
    const { ids: stale } = await seedStale(stack, 3); // 12 deletions
    const [threads, second_, third_, last] = world.staleKinds;

    const first = await stack.sweep();
    expect(first.complete).toBe(false);
    expect(totalDeleted(first)).toBe(5);
    expect(first.kinds[threads!]?.deleted).toBe(3);
    expect(first.kinds[second_!]).toMatchObject({ deleted: 2, skipped: { cap_reached: 1 } });
    expect(first.kinds[third_!]?.skipped.cap_reached).toBe(3);
    expect(first.kinds[last!]?.skipped.cap_reached).toBe(3);

    const second = await stack.sweep();
    expect(second.complete).toBe(false);
    expect(totalDeleted(second)).toBe(5);

    const third = await stack.sweep();
    expect(third.complete).toBe(true);
    expect(totalDeleted(third)).toBe(2);

    expect(stack.deletes().sort()).toEqual(deletePaths(stale));
    expect(await existing(stack.seed, stale)).toEqual(none(stale));
  });

  it('resumes a thread whose upstream deletion failed midway', async () => {
    const { ids: stale, threadIds } = await seedStale(stack, 1);
    const [threadId] = threadIds as [string];
    const threadPath = await world.threadDeletePath(stack, threadId);
    let refused = 0;
    stack.intercept = (method, path) => {
      if (method !== 'DELETE' || path !== threadPath || refused++ > 0) return undefined;
      return Response.json({ error: { message: 'injected', type: 'invalid_request_error', param: null, code: null } }, { status: 400 });
    };

    const first = await stack.sweep();
    expect(first.complete).toBe(false);
    expect(first.kinds.threads).toMatchObject({ examined: 1, deleted: 0, failed: 1 });
    expect(first.errors).toEqual([expect.objectContaining({ kind: 'threads', id: threadId })]);
    // Marked deleted before the upstream call: the API already treats it as gone, and the next sweep finds it.
    expect((await stack.ledger.getThread(threadId))?.deletedAt).toBeDefined();
    const upstreamThread = only(stale, world.threadKey);
    expect(await existing(stack.seed, upstreamThread)).toEqual(upstreamThread);

    const second = await stack.sweep();
    expect(second.complete).toBe(true);
    expect(second.kinds.threads).toMatchObject({ examined: 1, deleted: 1, failed: 0 });
    expect(await stack.ledger.getThread(threadId)).toBeNull();
    expect(await existing(stack.seed, stale)).toEqual(none(stale));
  });
});

describe('overlapping sweeps', () => {
  const stack = useSweepStack();

  it('lets one of two concurrent sweeps work; each object is deleted exactly once', async () => {
    const { ids: stale } = await seedStale(stack, 4);

    const results = await Promise.all([stack.sweep({ holder: 'timer' }), stack.sweep({ holder: 'timer' })]);

    expect(results.map((r) => r.leaseAcquired).sort()).toEqual([false, true]);
    const loser = results.find((r) => !r.leaseAcquired) as SweepSummary;
    expect(totalDeleted(loser)).toBe(0);
    expect(Object.values(loser.kinds).every((k) => k.examined === 0)).toBe(true);
    const deletes = stack.calls.filter((c) => c.method === 'DELETE');
    expect(deletes.map((c) => c.path).sort()).toEqual(deletePaths(stale));
    expect(deletes.every((c) => c.status === 200)).toBe(true);
    // The lease is given back: the next firing runs (and finds nothing left).
    expect(await stack.ledger.getLease(SWEEP_LEASE_NAME)).toBeNull();
    const after = await stack.sweep();
    expect(after).toMatchObject({ leaseAcquired: true, complete: true });
    expect(totalDeleted(after)).toBe(0);
  });

  it('does nothing while another holder has an unexpired lease, and takes an expired one over', async () => {
    const { ids: stale } = await seedStale(stack, 1);
    const now = await stack.clockNow();
    await stack.ledger.acquireLease(SWEEP_LEASE_NAME, 'crashed-sweeper', 60_000, now);

    const blocked = await stack.sweep();
    expect(blocked).toMatchObject({ leaseAcquired: false, complete: false });
    expect(stack.calls).toEqual([]);

    // The holder died; once its lease expires the next firing proceeds.
    await stack.advanceClock(61_000);
    const next = await stack.sweep();
    expect(next).toMatchObject({ leaseAcquired: true, complete: true });
    expect(stack.deletes().sort()).toEqual(deletePaths(stale));
  });

  it('stops deleting once its lease is taken over; the next firing finishes', { timeout: 30_000 }, async () => {
    const { ids: stale } = await seedStale(stack, 3);
    await stack.admin('/_admin/faults', { latency_ms: [150, 150] });
    // Renewal (every second with a 3 s TTL) finds the lease gone, as after a takeover.
    const usurped = { ...stack.ledger, renewLease: async () => false };

    const cut = await stack.sweep({ ledger: usurped, leaseTtlMs: 3_000, concurrency: 1 });
    await stack.admin('/_admin/faults', {});

    expect(cut.complete).toBe(false);
    // Noticed either at a deletion (skipped: lease_lost) or between kinds (an error naming it).
    const lost = Object.values(cut.kinds).reduce((n, k) => n + (k.skipped.lease_lost ?? 0), 0);
    const named = cut.errors.some((e) => e.message.includes('lease lost'));
    expect(lost > 0 || named).toBe(true);
    expect(totalDeleted(cut)).toBeLessThan(12);

    const next = await stack.sweep();
    expect(next.complete).toBe(true);
    expect(totalDeleted(cut) + totalDeleted(next)).toBe(12);
    expect(stack.deletes().sort()).toEqual(deletePaths(stale));
  });
});

describe('throttled upstream', () => {
  const stack = useSweepStack();

  it('honours Retry-After through a 429 storm and still deletes everything', { timeout: 60_000 }, async () => {
    const { ids: stale } = await seedStale(stack, 4);
    await stack.admin('/_admin/faults', { rate_429: 0.5, retry_after_ms: 25, seed: 42 });
    const summary = await stack.sweep({ maxAttempts: 30 });
    await stack.admin('/_admin/faults', {});

    expect(summary).toMatchObject({ complete: true, errors: [] });
    expect(totalDeleted(summary)).toBe(16);
    const throttled = stack.calls.filter((c) => c.status === 429).length;
    expect(throttled).toBeGreaterThan(5);
    // Every 429 was followed by a retry of the same request (the SDK waits what Retry-After asks for).
    expect(stack.calls.filter((c) => c.retryCount > 0)).toHaveLength(throttled);
    expect(stack.deletes().sort()).toEqual(deletePaths(stale));
    expect(await existing(stack.seed, stale)).toEqual(none(stale));
  });
});

describe.runIf(PROTOCOL === 'responses')('a Responses thread cut short', () => {
  const stack = useSweepStack();

  it('stays marked deleted until every part is gone, and the next sweep finishes it (404 = already gone)', async () => {
    const t0 = await stack.clockNow();
    const thread = await ourThread(stack, 'alice', t0);
    const store = await threadStore(stack, thread.threadId);
    const container = await threadContainer(stack, thread.threadId);
    await bindResources(stack, thread.threadId, { vectorStoreId: store, containerId: container });
    const responses = await ourRun(stack, thread, 'run_1', t0, 2);
    await stack.advanceClock(8 * DAY);
    let refused = 0;
    stack.intercept = (method, path) => {
      if (method !== 'DELETE' || path !== `/containers/${container}` || refused++ > 0) return undefined;
      return Response.json({ error: { message: 'injected', type: 'invalid_request_error', param: null, code: null } }, { status: 400 });
    };

    const first = await stack.sweep();
    expect(first.complete).toBe(false);
    expect(first.kinds.threads).toMatchObject({ examined: 1, deleted: 0, failed: 1 });
    expect(first.kinds.responses).toMatchObject({ examined: 2, deleted: 2 });
    expect(first.kinds.containers).toMatchObject({ examined: 1, deleted: 0, failed: 1 });
    expect(first.errors).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'containers', id: container }), expect.objectContaining({ kind: 'threads', id: thread.threadId })]));
    // The API already treats it as gone; its conversation, container and runs wait for the next sweep.
    expect((await stack.ledger.getThread(thread.threadId))?.deletedAt).toBeDefined();
    expect((await stack.ledger.listRuns(thread.threadId)).runs).toHaveLength(1);
    expect(await responsesWorld.existing(stack.seed, { conversations: [thread.conversationId], containers: [container] })).toEqual({ conversations: [thread.conversationId], containers: [container] });

    const second = await stack.sweep();
    expect(second).toMatchObject({ complete: true, errors: [] });
    expect(second.kinds.threads).toMatchObject({ examined: 1, deleted: 1, failed: 0 });
    expect(await stack.ledger.getThread(thread.threadId)).toBeNull();
    const all = { conversations: [thread.conversationId], responses, containers: [container], vectorStores: [store] };
    expect(await responsesWorld.existing(stack.seed, all)).toEqual(none(all));
    // Each part was deleted exactly once; asking again for what an earlier attempt deleted answered 404.
    expect(stack.deletes().sort()).toEqual(responsesWorld.deletePaths(all));
    expect(stack.deletes(404)).toEqual(expect.arrayContaining(responses.map((id) => `/responses/${id}`)));
  });
});
