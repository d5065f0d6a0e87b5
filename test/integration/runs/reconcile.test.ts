// The reconciler (src/runs/reconcile.ts) over a real ledger and queue in Azurite: each test builds the state a
// crash leaves behind (written the way the app writes it, then nothing more) and runs one pass.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import { reconcileRuns, type ReconcileDeps } from '../../../src/runs/reconcile';
import { createLedger, type Ledger, type NewRun } from '../../../src/store/ledger';
import { createRunQueue } from '../../../src/store/run-queue';
import { newId, useLedger } from '../store/use-ledger';

const MINUTE = 60_000;
let tables = 0;

describe('reconciler', () => {
  const fx = useLedger();

  /** A ledger and queue of its own per test: a pass scans the whole table, so tests must not see each other's runs. */
  function world() {
    const name = `rec${++tables}${Date.now() % 100_000}`;
    const ledger = createLedger({ LEDGER_TABLE_PREFIX: name }, fx.clients);
    const queue = createRunQueue({ RUN_QUEUE_NAME: name }, fx.clients);
    const cancelled: string[] = [];
    const deps = (now = Date.now()): ReconcileDeps => ({
      ledger,
      queue,
      upstream: { cancel: async (_threadId, upstreamRunId) => void cancelled.push(upstreamRunId) },
      logger: createLogger({ level: 'error', sink: () => undefined }),
      now: () => now,
      stallMs: MINUTE,
      maxLifetimeMs: 60 * MINUTE,
    });
    return { ledger, queue, cancelled, deps };
  }

  async function threadWithRun(ledger: Ledger, run: Partial<NewRun> & Pick<NewRun, 'status' | 'createdAt'>) {
    const threadId = newId('thread');
    const runId = newId('run');
    await ledger.createThread({ threadId, ownerId: 'alice', createdAt: run.createdAt });
    await ledger.setActiveRun(threadId, runId, { at: run.createdAt });
    await ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'default', assistantId: 'asst_1', ...run });
    return { threadId, runId };
  }

  it('re-queues a run recorded queued whose message was never sent (the outbox)', async () => {
    const { ledger, queue, deps } = world();
    const { threadId, runId } = await threadWithRun(ledger, { status: 'queued', createdAt: Date.now() - 5 * MINUTE });

    const summary = await reconcileRuns(deps());
    expect(summary).toMatchObject({ requeued: 1, failed: 0, errors: 0 });
    expect(await queue.peekAll()).toEqual([{ threadId, runId, generation: 1 }]);
    // The generation moved with it, so a late original message (generation 0) is a duplicate.
    expect((await ledger.getRun(threadId, runId))?.followGeneration).toBe(1);
    // The re-queue is progress: the next pass leaves the run alone.
    expect((await reconcileRuns(deps())).requeued).toBe(0);
  });

  it('leaves runs that are still changing alone', async () => {
    const { ledger, queue, deps } = world();
    await threadWithRun(ledger, { status: 'in_progress', createdAt: Date.now() - 10_000 });
    expect(await reconcileRuns(deps())).toMatchObject({ requeued: 0, failed: 0, expired: 0, threadsFreed: 0 });
    expect(await queue.peekAll()).toEqual([]);
  });

  it('fails a direct answer whose request died, and frees its thread', async () => {
    const { ledger, queue, deps } = world();
    // What answerOnThread records before it calls the model: no assistant, nothing queued.
    const { threadId, runId } = await threadWithRun(ledger, { status: 'in_progress', assistantId: undefined, routedTo: 'other', createdAt: Date.now() - 5 * MINUTE });

    expect((await reconcileRuns(deps())).failed).toBe(1);
    const run = await ledger.getRun(threadId, runId);
    expect(run).toMatchObject({ status: 'failed', lastError: { code: 'run_interrupted' } });
    expect((await ledger.getThread(threadId))?.activeRunId).toBeUndefined();
    expect(await queue.peekAll()).toEqual([]);
    const events = await ledger.listRunEvents(runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.status', data: { status: 'failed' } });
  });

  it('expires a run past its expiry, cancels it upstream and closes the tool call its dead worker left running', async () => {
    const { ledger, cancelled, deps } = world();
    const createdAt = Date.now() - 20 * MINUTE;
    const { threadId, runId } = await threadWithRun(ledger, { status: 'requires_action', upstreamRunId: 'run_up1', expiresAt: createdAt + 10 * MINUTE, createdAt });
    await ledger.claimToolCall({ runId, threadId, toolCallId: 'call_1', name: 'send_email', arguments: '{}', claimedAt: createdAt + MINUTE });

    expect((await reconcileRuns(deps())).expired).toBe(1);
    expect(await ledger.getRun(threadId, runId)).toMatchObject({ status: 'expired', lastError: { code: 'run_expired' } });
    expect(cancelled).toEqual(['run_up1']);
    const call = await ledger.getToolCall(runId, 'call_1');
    expect(call?.status).toBe('unknown_outcome');
    expect(call?.output).toContain('outcome_unknown');
    expect((await ledger.getThread(threadId))?.activeRunId).toBeUndefined();
  });

  it('gives up a run with no upstream expiry after the longest lifetime', async () => {
    const { ledger, deps } = world();
    const { threadId, runId } = await threadWithRun(ledger, { status: 'queued', createdAt: Date.now() - 2 * 60 * MINUTE });
    expect((await reconcileRuns(deps())).failed).toBe(1);
    expect(await ledger.getRun(threadId, runId)).toMatchObject({ status: 'failed', lastError: { code: 'run_abandoned' } });
  });

  it('frees a thread whose active run ended (closing its running tool calls), or was never recorded', async () => {
    const { ledger, deps } = world();
    const old = Date.now() - 5 * MINUTE;
    const ended = await threadWithRun(ledger, { status: 'queued', createdAt: old });
    // Cancelled, and its finalizing cut short: the thread still claimed, a tool call still running.
    await ledger.claimToolCall({ runId: ended.runId, threadId: ended.threadId, toolCallId: 'call_x', name: 'send_email', arguments: '{}', claimedAt: old });
    await ledger.updateRun(ended.threadId, ended.runId, { status: 'cancelled', at: old });
    // Claimed, then the process died before the run was recorded (e.g. while posting the user message upstream).
    const orphan = newId('thread');
    await ledger.createThread({ threadId: orphan, ownerId: 'alice', createdAt: old });
    await ledger.setActiveRun(orphan, newId('run'), { at: old });

    expect((await reconcileRuns(deps())).threadsFreed).toBe(2);
    expect((await ledger.getThread(ended.threadId))?.activeRunId).toBeUndefined();
    expect((await ledger.getToolCall(ended.runId, 'call_x'))?.status).toBe('unknown_outcome');
    expect((await ledger.getThread(orphan))?.activeRunId).toBeUndefined();
  });

  it('loses to a follower that moved the generation first', async () => {
    const { ledger, queue, deps } = world();
    const { threadId, runId } = await threadWithRun(ledger, { status: 'in_progress', createdAt: Date.now() - 5 * MINUTE });
    // A follower takes generation 1 between the reconciler's read and its compare-and-set.
    const stale = await ledger.getRun(threadId, runId);
    expect(await ledger.advanceFollowGeneration(threadId, runId, 0)).not.toBeNull();
    expect(await ledger.advanceFollowGeneration(threadId, runId, stale!.followGeneration ?? 0)).toBeNull();
    expect((await reconcileRuns(deps(Date.now()))).requeued).toBe(0);
    expect(await queue.peekAll()).toEqual([]);
  });
});
