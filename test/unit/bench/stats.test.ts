import { describe, expect, it } from 'vitest';
import { mean, peakOverlap, percentile, summarize } from '../../../bench/stats';

describe('percentile (nearest rank)', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted

  it('picks the nearest-rank value without reordering the input', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(values[0]).toBe(100);
  });

  it('handles one sample, p0 and no samples', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('gives n, mean, p50/p95/p99 and max', () => {
    expect(summarize([1, 2, 3, 4, 10])).toEqual({ n: 5, mean: 4, p50: 3, p95: 10, p99: 10, max: 10 });
  });

  it('is NaN throughout for no samples', () => {
    const empty = summarize([]);
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.p99).toBeNaN();
    expect(mean([])).toBeNaN();
  });
});

describe('peakOverlap', () => {
  it('counts the most intervals open at once', () => {
    expect(peakOverlap([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 6, end: 7 }, { start: 20, end: 30 }])).toBe(3);
  });

  it('does not count touching intervals as overlapping', () => {
    expect(peakOverlap([{ start: 0, end: 5 }, { start: 5, end: 10 }])).toBe(1);
    expect(peakOverlap([])).toBe(0);
  });
});
