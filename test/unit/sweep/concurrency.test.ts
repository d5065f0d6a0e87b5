import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../../src/sweep/concurrency';

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

describe('forEachConcurrently', () => {
  it('processes every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachConcurrently([...Array(20).keys()], 4, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick();
      done.push(n);
      inFlight -= 1;
    });
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(peak).toBe(4);
  });

  it('throws the first error only after the calls in flight have finished', async () => {
    let running = 0;
    const started: number[] = [];
    const result = forEachConcurrently([1, 2, 3, 4, 5, 6], 3, async (n) => {
      started.push(n);
      running += 1;
      await tick();
      running -= 1;
      if (n === 1) throw new Error('boom');
    });
    await expect(result).rejects.toThrow('boom');
    expect(running).toBe(0);
    expect(started.length).toBeLessThan(6);
  });
});
