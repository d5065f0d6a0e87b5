// What goes and what stays, on the local stack: a real sweep, then a dry run against the same world
// (the world of TEST_UPSTREAM_PROTOCOL: assistants-world.ts or responses-world.ts).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import { kindsFor } from '../../../src/sweep';
import { none, world } from './seed';
import { PROTOCOL, useSweepStack } from './stack';

describe(`sweep on the local stack (${PROTOCOL})`, () => {
  const stack = useSweepStack();

  it('deletes stale objects of ours and keeps fresh, active, referenced and foreign ones', async () => {
    const seeded = await world.seedWorld(stack);

    const summary = await stack.sweep();

    expect(summary).toMatchObject({ leaseAcquired: true, complete: true, dryRun: false, errors: [] });
    // Every kind the protocol sweeps is reported, and nothing else.
    expect(Object.keys(summary.kinds)).toEqual(kindsFor(PROTOCOL));
    for (const kind of kindsFor(PROTOCOL)) expect({ kind, ...summary.kinds[kind] }).toEqual({ kind, ...(seeded.expected[kind] ?? { examined: 0, deleted: 0, skipped: {}, failed: 0 }) });

    // Upstream: exactly the stale objects were deleted, each once, through this protocol's routes only.
    expect(stack.deletes().sort()).toEqual(world.deletePaths(seeded.gone));
    expect(stack.calls.filter((c) => world.otherProtocolPaths.test(c.path))).toEqual([]);
    expect(await world.existing(stack.seed, seeded.gone)).toEqual(none(seeded.gone));
    expect(await world.existing(stack.seed, seeded.kept)).toEqual(seeded.kept);

    // Ledger: the deleted thread's rows are purged, the active one is untouched, old runs are gone.
    expect(await stack.ledger.getThread(seeded.staleThreadId)).toBeNull();
    expect(await stack.ledger.listRuns(seeded.staleThreadId)).toEqual({ runs: [], hasMore: false });
    expect((await stack.ledger.getThread(seeded.activeThreadId))?.activeRunId).toBe('run_still_going');
    expect(await stack.ledger.listRunsCreatedBefore((await stack.clockNow()) - 90 * 86_400_000, {})).toHaveLength(0);
    // Ledger Files: records of deleted files are forgotten; kept uploads remain.
    const registered = (await stack.ledger.listFilesWithUses()).map((f) => f.fileId);
    expect(registered.filter((id) => Object.values(seeded.gone).flat().includes(id))).toEqual([]);
    expect(registered).toHaveLength(seeded.fileRows.after);
  });

  it('dry run lists what would go and deletes nothing; the real sweep then deletes exactly that', async () => {
    const seeded = await world.seedWorld(stack);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (_level, line) => lines.push(line) });

    const dry = await stack.sweep({ dryRun: true, logger });

    expect(dry).toMatchObject({ dryRun: true, complete: true, leaseAcquired: true });
    for (const kind of kindsFor(PROTOCOL)) {
      expect({ kind, wouldDelete: [...(dry.kinds[kind]?.wouldDelete ?? [])].sort() }).toEqual({ kind, wouldDelete: seeded.wouldDelete[kind] ?? [] });
      expect(dry.kinds[kind]?.deleted).toBe(0);
    }
    expect(stack.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await world.existing(stack.seed, seeded.gone)).toEqual(seeded.gone);
    expect((await stack.ledger.getThread(seeded.staleThreadId))?.deletedAt).toBeUndefined();
    expect(await stack.ledger.listFilesWithUses()).toHaveLength(seeded.fileRows.before);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; dryRun: boolean }).find((l) => l.msg === 'sweep finished')).toMatchObject({ dryRun: true });

    const real = await stack.sweep();
    expect(real.complete).toBe(true);
    expect(stack.deletes().sort()).toEqual(world.deletePaths(seeded.gone));
  });

  it('follows SWEEP_DRY_RUN when the caller does not say', async () => {
    const seeded = await world.seedWorld(stack);
    const summary = await stack.sweep({ config: { ...stack.config, SWEEP_DRY_RUN: true } });
    expect(summary.dryRun).toBe(true);
    expect(stack.deletes()).toEqual([]);
    expect(await world.existing(stack.seed, seeded.gone)).toEqual(seeded.gone);
  });
});
