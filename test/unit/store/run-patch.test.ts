import { describe, expect, it } from 'vitest';
import { applyRunPatch, type RunRecord } from '../../../src/store/ledger/runs';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (s: number) => t0 + s * 1000;
const run = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  threadId: 'thread_1',
  runId: 'run_1',
  ownerId: 'alice',
  assistantKey: 'k',
  assistantId: 'asst_1',
  status: 'in_progress',
  createdAt: t0,
  updatedAt: t0,
  statusHistory: [{ status: 'queued', at: t0 }, { status: 'in_progress', at: at(1) }],
  ...overrides,
});

describe('applyRunPatch', () => {
  it('appends a status change and stamps completion of a terminal one', () => {
    const next = applyRunPatch(run(), { status: 'completed' }, at(5));
    expect(next.status).toBe('completed');
    expect(next.statusHistory.at(-1)).toEqual({ status: 'completed', at: at(5) });
    expect(next.completedAt).toEqual(at(5));
  });

  it('does not record a repeated status', () => {
    expect(applyRunPatch(run(), { status: 'in_progress' }, at(5)).statusHistory).toHaveLength(2);
  });

  it('never replaces a terminal status', () => {
    const done = run({ status: 'cancelled', completedAt: at(3) });
    const next = applyRunPatch(done, { status: 'in_progress', expiresAt: at(4) }, at(4));
    expect(next.status).toBe('cancelled');
    expect(next.completedAt).toEqual(at(3));
    expect(next.expiresAt).toEqual(at(4));
  });

  it('keeps the first completion time of a terminal run', () => {
    const done = run({ status: 'completed', completedAt: at(3) });
    expect(applyRunPatch(done, { completedAt: at(9) }, at(9)).completedAt).toBe(at(3));
    expect(applyRunPatch(run(), { completedAt: at(9) }, at(9)).completedAt).toBeUndefined();
  });

  it('copies the plain columns of a patch and clears usage with null', () => {
    const next = applyRunPatch(run({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), { upstreamRunId: 'run_up', followGeneration: 3, usage: null }, at(2));
    expect(next).toMatchObject({ upstreamRunId: 'run_up', followGeneration: 3, updatedAt: at(2) });
    expect(next.usage).toBeUndefined();
  });

  it('clears an error with null and leaves the input untouched', () => {
    const failed = run({ lastError: { code: 'x', message: 'y' } });
    const next = applyRunPatch(failed, { lastError: null }, at(2));
    expect(next.lastError).toBeUndefined();
    expect(failed.lastError).toEqual({ code: 'x', message: 'y' });
  });
});
