import { describe, expect, it } from 'vitest';
import { CLIENT_TOOL, generateWorkload, kindCounts, logNormal, SERVER_TOOL, turnsFor } from '../../../bench/workload';
import { seededRandom } from '../../../local/shared/seeded-random';
import { percentile } from '../../../bench/stats';
import { parseArgs } from '../../../bench/config';

describe('logNormal', () => {
  it('has the asked median and 99th percentile', () => {
    const sample = logNormal(seededRandom(1), 4000, 60_000);
    const values = Array.from({ length: 50_000 }, sample);
    expect(percentile(values, 50)).toBeGreaterThan(4000 * 0.95);
    expect(percentile(values, 50)).toBeLessThan(4000 * 1.05);
    expect(percentile(values, 99)).toBeGreaterThan(60_000 * 0.9);
    expect(percentile(values, 99)).toBeLessThan(60_000 * 1.1);
    expect(Math.min(...values)).toBeGreaterThan(0);
  });
});

describe('generateWorkload', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = generateWorkload({ runs: 50, seed: 7, timeScale: 1 });
    expect(generateWorkload({ runs: 50, seed: 7, timeScale: 1 })).toEqual(a);
    expect(generateWorkload({ runs: 50, seed: 8, timeScale: 1 })).not.toEqual(a);
  });

  it('mixes 30 % server-tool runs (one or two calls) and 5 % client-tool runs', () => {
    const runs = generateWorkload({ runs: 20_000, seed: 3, timeScale: 1 });
    const counts = kindCounts(runs);
    const share = (n: number) => n / runs.length;
    expect(share(counts.server_tool_1 + counts.server_tool_2)).toBeCloseTo(0.3, 1);
    expect(share(counts.server_tool_1)).toBeCloseTo(0.15, 1);
    expect(share(counts.client_tool)).toBeGreaterThan(0.04);
    expect(share(counts.client_tool)).toBeLessThan(0.06);
    expect(share(counts.plain)).toBeCloseTo(0.65, 1);
  });

  it('scales durations by the time scale, keeping the same runs', () => {
    const full = generateWorkload({ runs: 200, seed: 5, timeScale: 1 });
    const quick = generateWorkload({ runs: 200, seed: 5, timeScale: 0.1 });
    expect(quick.map((r) => r.kind)).toEqual(full.map((r) => r.kind));
    const ratio = percentile(quick.map((r) => r.durationMs), 50) / percentile(full.map((r) => r.durationMs), 50);
    expect(ratio).toBeCloseTo(0.1, 2);
  });

  it('caps durations at twice the p99, scaled', () => {
    const full = generateWorkload({ runs: 5000, seed: 17, timeScale: 1 });
    expect(Math.max(...full.map((r) => r.durationMs))).toBe(120_000);
    expect(percentile(full.map((r) => r.durationMs), 99)).toBeLessThan(120_000);
    const quick = generateWorkload({ runs: 5000, seed: 17, timeScale: 0.1 });
    expect(Math.max(...quick.map((r) => r.durationMs))).toBe(12_000);
  });

  it('scripts turns whose delays add up to the run duration', () => {
    for (const run of generateWorkload({ runs: 300, seed: 11, timeScale: 1 })) {
      expect(run.turns.reduce((sum, turn) => sum + turn.delay_ms, 0)).toBe(run.durationMs);
      expect(run.turns.at(-1)!.message).toBeDefined();
    }
  });
});

describe('turnsFor', () => {
  it('gives each kind its tool-call rounds before the reply', () => {
    expect(turnsFor('plain', 1000)).toEqual([{ message: 'Done.', delay_ms: 1000 }]);
    const two = turnsFor('server_tool_2', 900);
    expect(two.map((t) => t.tool_calls?.[0]?.name ?? 'reply')).toEqual([SERVER_TOOL, SERVER_TOOL, 'reply']);
    expect(two.map((t) => t.delay_ms)).toEqual([300, 300, 300]);
    expect(turnsFor('client_tool', 1000)[0]!.tool_calls).toEqual([{ name: CLIENT_TOOL, arguments: {} }]);
  });
});

describe('the quick benchmark\'s workload', () => {
  it('holds every kind of run, client tools included, so CI exercises the SSE tool answers on both protocols', () => {
    const { runs, seed, timeScale } = parseArgs(['--quick']);
    const counts = kindCounts(generateWorkload({ runs, seed, timeScale }));
    for (const kind of ['plain', 'server_tool_1', 'server_tool_2', 'client_tool'] as const) expect(counts[kind], kind).toBeGreaterThan(0);
  });
});
