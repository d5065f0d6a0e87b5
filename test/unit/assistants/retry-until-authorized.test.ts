import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { retryUntilAuthorized } from '../../../src/assistants/retry-until-authorized';

function apiError(status: number): APIError {
  return APIError.generate(status, { error: { message: `status ${status}` } }, `status ${status}`, new Headers());
}

/** A clock that only moves when the retry loop sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; }, sleeps };
}

describe('retryUntilAuthorized', () => {
  it('repeats the attempt through 401 and 403 answers until it succeeds', async () => {
    const time = fakeTime();
    const failures = [apiError(403), apiError(401), apiError(403)];
    const waits: Array<[number, number]> = [];
    const result = await retryUntilAuthorized(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'synced';
      },
      { budgetMs: 60_000, intervalMs: 10_000, ...time, onWait: (status, waited) => waits.push([status, waited]) },
    );
    expect(result).toBe('synced');
    expect(waits).toEqual([[403, 0], [401, 10_000], [403, 20_000]]);
    expect(time.sleeps).toEqual([10_000, 10_000, 10_000]);
  });

  it('throws the last 403 once another pause would pass the budget', async () => {
    const time = fakeTime();
    let attempts = 0;
    const failure = await retryUntilAuthorized(
      async () => {
        attempts++;
        throw apiError(403);
      },
      { budgetMs: 25_000, intervalMs: 10_000, ...time },
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(403);
    expect(attempts).toBe(3);
    expect(time.now()).toBe(20_000);
  });

  it('does not repeat any other failure', async () => {
    const time = fakeTime();
    for (const error of [apiError(404), apiError(500), new TypeError('fetch failed')]) {
      let attempts = 0;
      const failure = await retryUntilAuthorized(
        async () => {
          attempts++;
          throw error;
        },
        { budgetMs: 60_000, intervalMs: 1000, ...time },
      ).catch((e: unknown) => e);
      expect(failure).toBe(error);
      expect(attempts).toBe(1);
    }
    expect(time.sleeps).toEqual([]);
  });
});
