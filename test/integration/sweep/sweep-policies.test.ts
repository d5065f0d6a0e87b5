// What goes and what stays, on the local stack: a real sweep, then a dry run against the same world.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import { deletePaths, existing, seedWorld } from './seed';
import { useSweepStack } from './stack';

describe('sweep on the local stack', () => {
  const stack = useSweepStack();

  it('deletes stale objects of ours and keeps fresh, active, referenced and foreign ones', async () => {
    const world = await seedWorld(stack);

    const summary = await stack.sweep();

    expect(summary).toMatchObject({ leaseAcquired: true, complete: true, dryRun: false, errors: [] });
    expect(summary.kinds.threads).toEqual({ examined: 2, deleted: 1, skipped: { active_run: 1 }, failed: 0 });
    expect(summary.kinds.assistants).toEqual({ examined: 4, deleted: 1, skipped: { defined: 1, foreign: 2 }, failed: 0 });
    expect(summary.kinds.vector_stores).toEqual({ examined: 5, deleted: 2, skipped: { referenced: 1, foreign: 1, fresh: 1 }, failed: 0 });
    expect(summary.kinds.files).toEqual({ examined: 10, deleted: 4, skipped: { referenced: 2, foreign: 2, fresh: 2 }, failed: 0 });
    expect(summary.kinds.ledger).toEqual({ examined: 1, deleted: 1, skipped: {}, failed: 0 });

    // Upstream: exactly the stale objects were deleted, each once.
    expect(stack.deletes().sort()).toEqual(deletePaths(world.gone));
    expect(await existing(stack.seed, world.gone)).toEqual({ threads: [], assistants: [], vectorStores: [], files: [] });
    expect(await existing(stack.seed, world.kept)).toEqual(world.kept);

    // Ledger: the deleted thread's rows are purged, the active one is untouched, old runs are gone.
    expect(await stack.ledger.getThread(world.staleThreadId)).toBeNull();
    expect(await stack.ledger.listRuns(world.staleThreadId)).toEqual({ runs: [], hasMore: false });
    expect((await stack.ledger.getThread(world.activeThreadId))?.activeRunId).toBe('run_still_going');
    expect(await stack.ledger.listRunsCreatedBefore(Date.now(), {})).toHaveLength(0);
    // Ledger Files: records of deleted files are forgotten; kept uploads remain.
    const registered = (await stack.ledger.listFilesWithUses()).map((f) => f.fileId);
    expect(registered.filter((id) => world.gone.files.includes(id))).toEqual([]);
    expect(registered).toHaveLength(2);
  });

  it('dry run lists what would go and deletes nothing; the real sweep then deletes exactly that', async () => {
    const world = await seedWorld(stack);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (_level, line) => lines.push(line) });

    const dry = await stack.sweep({ dryRun: true, logger });

    expect(dry).toMatchObject({ dryRun: true, complete: true, leaseAcquired: true });
    expect(dry.kinds.threads.wouldDelete).toEqual(world.gone.threads);
    expect(dry.kinds.assistants.wouldDelete).toEqual(world.gone.assistants);
    expect(dry.kinds.vector_stores.wouldDelete?.sort()).toEqual([...world.gone.vectorStores].sort());
    // Run outputs of the thread that would go are counted too, though nothing was written down.
    expect(dry.kinds.files.wouldDelete?.sort()).toEqual([...world.gone.files].sort());
    expect(dry.kinds.ledger.wouldDelete).toEqual(['run:run_ancient']);
    for (const kind of Object.values(dry.kinds)) expect(kind.deleted).toBe(0);
    expect(stack.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await existing(stack.seed, world.gone)).toEqual(world.gone);
    expect((await stack.ledger.getThread(world.staleThreadId))?.deletedAt).toBeUndefined();
    expect(await stack.ledger.listFilesWithUses()).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; dryRun: boolean }).find((l) => l.msg === 'sweep finished')).toMatchObject({ dryRun: true });

    const real = await stack.sweep();
    expect(real.complete).toBe(true);
    expect(stack.deletes().sort()).toEqual(deletePaths(world.gone));
  });

  it('follows SWEEP_DRY_RUN when the caller does not say', async () => {
    const world = await seedWorld(stack);
    const summary = await stack.sweep({ config: { ...stack.config, SWEEP_DRY_RUN: true } });
    expect(summary.dryRun).toBe(true);
    expect(stack.deletes()).toEqual([]);
    expect(await existing(stack.seed, world.gone)).toEqual(world.gone);
  });
});
