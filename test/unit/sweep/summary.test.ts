import { describe, expect, it } from 'vitest';
import { DeletionBudget } from '../../../src/sweep/deletion-budget';
import { formatSweepSummary } from '../../../src/sweep/format-summary';
import { SummaryBuilder } from '../../../src/sweep/summary';

const START = new Date('2025-06-01T00:00:00Z');
const END = new Date('2025-06-01T00:01:00Z');

describe('SummaryBuilder', () => {
  it('tallies per kind and is complete when nothing was left over', () => {
    const s = new SummaryBuilder(false, START);
    s.examined('threads', 3);
    s.deleted('threads', 'thread_a');
    s.skipped('threads', 'active_run');
    s.skipped('threads', 'fresh');
    const out = s.build(END);
    expect(out).toMatchObject({ dryRun: false, startedAt: START.toISOString(), finishedAt: END.toISOString(), leaseAcquired: true, complete: true });
    expect(out.kinds.threads).toEqual({ examined: 3, deleted: 1, skipped: { active_run: 1, fresh: 1 }, failed: 0 });
    expect(out.kinds.files).toEqual({ examined: 0, deleted: 0, skipped: {}, failed: 0 });
  });

  it("reports the protocol's kinds only, in the one order, and prints only those", () => {
    const s = new SummaryBuilder(false, START, ['ledger', 'containers', 'threads']);
    s.deleted('containers', 'cntr_1');
    const out = s.build(END);
    expect(Object.keys(out.kinds)).toEqual(['threads', 'containers', 'ledger']);
    const lines = formatSweepSummary(out);
    expect(lines.filter((l) => /^ {2}\w+\s+examined/.test(l)).map((l) => l.trim().split(/\s+/)[0])).toEqual(['threads', 'containers', 'ledger']);
  });

  it('lists instead of counting deletions in a dry run', () => {
    const s = new SummaryBuilder(true, START);
    s.deleted('files', 'file-1');
    expect(s.build(END).kinds.files).toMatchObject({ deleted: 0, wouldDelete: ['file-1'] });
  });

  it('is incomplete when the cap was reached, the lease lost, or something failed', () => {
    for (const mark of [
      (s: SummaryBuilder) => s.skipped('files', 'cap_reached'),
      (s: SummaryBuilder) => s.skipped('files', 'lease_lost'),
      (s: SummaryBuilder) => s.failed('files', 'file-1', new Error('503 upstream down')),
    ]) {
      const s = new SummaryBuilder(false, START);
      mark(s);
      expect(s.build(END).complete).toBe(false);
    }
  });

  it('records errors with redacted messages', () => {
    const s = new SummaryBuilder(false, START);
    s.failed('files', 'file-1', new Error('GET https://x.example/?sig=SECRET failed'));
    expect(s.build(END).errors).toEqual([{ kind: 'files', id: 'file-1', message: 'GET https://x.example/?sig=[redacted] failed' }]);
  });

  it('reports a sweep that did not get the lease as incomplete and empty', () => {
    const out = new SummaryBuilder(false, START).build(END, false);
    expect(out).toMatchObject({ leaseAcquired: false, complete: false });
    expect(formatSweepSummary(out)).toEqual(['Another sweep is running (lease held); nothing done.']);
  });
});

describe('DeletionBudget', () => {
  it('grants exactly `max` deletions', () => {
    const budget = new DeletionBudget(2);
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
    expect(budget.remaining).toBe(0);
  });
});
