// The ledger remembers the last row version it read or wrote, to skip the read of a read-modify-write. Another
// process (here: a second ledger over the same tables) may have changed the row since: its change must survive, and
// a decision taken on the remembered row (NO_CHANGE, a thrown conflict) must be taken again on the stored one.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { newId, useLedger } from './use-ledger';

describe('ledger rows remembered between writes', () => {
  const fx = useLedger();
  let other: Ledger;
  beforeAll(() => {
    other = createLedger(fx.config, fx.clients);
  });

  const recordRun = async (threadId: string) => {
    const runId = newId('run');
    await fx.ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'banking', assistantId: 'asst_1', status: 'queued', createdAt: Date.now() });
    return runId;
  };

  it("keeps another process's write made after this one last saw the row", async () => {
    const threadId = newId('thread');
    const runId = await recordRun(threadId);
    await fx.ledger.updateRun(threadId, runId, { status: 'in_progress' });
    await other.updateRun(threadId, runId, { cancelRequested: true });
    const updated = await fx.ledger.updateRun(threadId, runId, { upstreamRunId: 'run_up_1' });
    expect(updated).toMatchObject({ status: 'in_progress', cancelRequested: true, upstreamRunId: 'run_up_1' });
    expect(await other.getRun(threadId, runId)).toMatchObject({ cancelRequested: true, upstreamRunId: 'run_up_1' });
  });

  it('takes a compare-and-set decision on the stored row, not on a stale remembered one', async () => {
    const threadId = newId('thread');
    const runId = await recordRun(threadId);
    // This process last saw generation 0; another process moved it to 1.
    expect(await fx.ledger.getRun(threadId, runId)).toMatchObject({ followGeneration: undefined });
    expect(await other.advanceFollowGeneration(threadId, runId, 0)).not.toBeNull();
    // From 1 is right although the remembered row says 0; from 0 is stale although the remembered row says 0.
    expect(await fx.ledger.advanceFollowGeneration(threadId, runId, 0)).toBeNull();
    expect(await fx.ledger.advanceFollowGeneration(threadId, runId, 1)).toMatchObject({ followGeneration: 2 });
  });

  it('frees and claims a thread by its stored active run, whatever this process saw last', async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', assistantKey: 'banking', createdAt: Date.now() });
    await fx.ledger.setActiveRun(threadId, 'run_a');
    // Another process frees the thread: this one still remembers run_a as active, and must not refuse run_b.
    await other.setActiveRun(threadId, null, { expectRunId: 'run_a' });
    await fx.ledger.setActiveRun(threadId, 'run_b');
    expect(await other.getThread(threadId)).toMatchObject({ activeRunId: 'run_b' });
    // And the other way round: another process claims it, this one's remembered row says free.
    await fx.ledger.setActiveRun(threadId, null, { expectRunId: 'run_b' });
    await other.setActiveRun(threadId, 'run_c');
    await expect(fx.ledger.setActiveRun(threadId, 'run_d')).rejects.toMatchObject({ code: 'run_active' });
  });
});
