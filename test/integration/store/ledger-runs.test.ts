import { describe, expect, it } from 'vitest';
import { STATUS_HISTORY_LIMIT, type NewRun } from '../../../src/store/ledger';
import { newId, useLedger } from './use-ledger';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (seconds: number) => t0 + seconds * 1000;

const newRun = (threadId: string, overrides: Partial<NewRun> = {}): NewRun => ({
  threadId,
  runId: newId('run'),
  ownerId: 'alice',
  assistantKey: 'banking',
  assistantId: 'asst_1',
  status: 'queued',
  createdAt: t0,
  ...overrides,
});

describe('ledger runs', () => {
  const fx = useLedger();

  it('records a run and reads it back', async () => {
    const threadId = newId('thread');
    const input = newRun(threadId, { expiresAt: at(600), routedTo: 'worker-a', messageId: 'msg_1', additionalInstructions: 'Be brief.' });
    await fx.ledger.recordRun(input);
    const run = await fx.ledger.getRun(threadId, input.runId);
    expect(run).toMatchObject({
      runId: input.runId,
      threadId,
      ownerId: 'alice',
      assistantKey: 'banking',
      assistantId: 'asst_1',
      status: 'queued',
      routedTo: 'worker-a',
      messageId: 'msg_1',
      additionalInstructions: 'Be brief.',
      createdAt: t0,
      expiresAt: at(600),
    });
    expect(run?.statusHistory).toEqual([{ status: 'queued', at: t0 }]);
    expect(await fx.ledger.getRun(threadId, newId('run'))).toBeNull();

    // Recording again (a retried request) keeps what is stored.
    await fx.ledger.updateRun(threadId, input.runId, { status: 'in_progress', at: at(1) });
    expect((await fx.ledger.recordRun(input)).status).toBe('in_progress');
  });

  it('lists a thread’s runs newest first with a cursor', async () => {
    const threadId = newId('thread');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = newRun(threadId, { createdAt: at(i) });
      ids.push(run.runId);
      await fx.ledger.recordRun(run);
    }
    await fx.ledger.recordRun(newRun(newId('thread')));
    const page = await fx.ledger.listRuns(threadId, { limit: 2 });
    expect(page.runs.map((r) => r.runId)).toEqual([ids[2], ids[1]]);
    expect(page.hasMore).toBe(true);
    const rest = await fx.ledger.listRuns(threadId, { limit: 2, after: ids[1] });
    expect(rest.runs.map((r) => r.runId)).toEqual([ids[0]]);
    expect(rest.hasMore).toBe(false);
  });

  it('appends status changes to the history and records error, usage and follow-up columns', async () => {
    const threadId = newId('thread');
    const { runId } = await fx.ledger.recordRun(newRun(threadId));
    await fx.ledger.updateRun(threadId, runId, { status: 'in_progress', at: at(1), upstreamRunId: 'run_up', followGeneration: 1 });
    await fx.ledger.updateRun(threadId, runId, { status: 'in_progress', at: at(2), expiresAt: at(2), cancelRequested: true });
    await fx.ledger.updateRun(threadId, runId, { status: 'requires_action', at: at(3) });
    const done = await fx.ledger.updateRun(threadId, runId, {
      status: 'failed',
      at: at(4),
      lastError: { code: 'server_error', message: 'x'.repeat(5000) },
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
    expect(done.statusHistory.map((h) => h.status)).toEqual(['queued', 'in_progress', 'requires_action', 'failed']);

    const stored = await fx.ledger.getRun(threadId, runId);
    expect(stored?.statusHistory.map((h) => h.at)).toEqual([t0, at(1), at(3), at(4)]);
    expect(stored).toMatchObject({
      status: 'failed',
      upstreamRunId: 'run_up',
      followGeneration: 1,
      cancelRequested: true,
      expiresAt: at(2),
      completedAt: at(4),
      usage: { total_tokens: 15 },
      lastError: { code: 'server_error' },
    });
    expect(stored?.lastError?.message.length).toBeLessThan(5000);
  });

  it('keeps terminal statuses sticky against late updates', async () => {
    const threadId = newId('thread');
    const { runId } = await fx.ledger.recordRun(newRun(threadId));
    await fx.ledger.updateRun(threadId, runId, { status: 'completed', at: at(5) });
    const late = await fx.ledger.updateRun(threadId, runId, { status: 'in_progress', at: at(6), expiresAt: at(6) });
    expect(late.status).toBe('completed');
    await fx.ledger.updateRun(threadId, runId, { status: 'failed', at: at(7), completedAt: at(7) });
    const stored = await fx.ledger.getRun(threadId, runId);
    expect(stored).toMatchObject({ status: 'completed', completedAt: at(5), expiresAt: at(6) });
    expect(stored?.statusHistory.map((h) => h.status)).toEqual(['queued', 'completed']);
  });

  it('bounds the status history', async () => {
    const threadId = newId('thread');
    const { runId } = await fx.ledger.recordRun(newRun(threadId));
    for (let i = 1; i <= STATUS_HISTORY_LIMIT + 5; i++) {
      await fx.ledger.updateRun(threadId, runId, { status: i % 2 ? 'in_progress' : 'requires_action', at: at(i) });
    }
    const stored = await fx.ledger.getRun(threadId, runId);
    expect(stored?.statusHistory).toHaveLength(STATUS_HISTORY_LIMIT);
    expect(stored?.statusHistory.at(-1)?.at).toBe(at(STATUS_HISTORY_LIMIT + 5));
  });

  it('loses no update when writers patch the same run at once (ETag retries)', async () => {
    const threadId = newId('thread');
    const { runId } = await fx.ledger.recordRun(newRun(threadId));
    // Each writer moves to a status of its own; only a serialised read-modify-write keeps all of them.
    const statuses = ['in_progress', 'requires_action', 'cancelling'] as const;
    await Promise.all(statuses.map((status, i) => fx.ledger.updateRun(threadId, runId, { status, at: at(i + 1) })));
    const history = (await fx.ledger.getRun(threadId, runId))!.statusHistory.map((h) => h.status);
    expect(history).toHaveLength(4);
    expect([...history.slice(1)].sort()).toEqual([...statuses].sort());
  });

  it('answers not_found when updating an unknown run', async () => {
    await expect(fx.ledger.updateRun(newId('thread'), newId('run'), { status: 'completed' })).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});
