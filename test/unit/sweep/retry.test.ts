import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { deleteWithRetry } from '../../../src/sweep/delete-with-retry';
import { retryAfterMs, retryDelayMs, withRetry } from '../../../src/sweep/retry';

const apiError = (status: number, headers: Record<string, string> = {}) => APIError.generate(status, { message: `status ${status}` }, undefined, new Headers(headers));

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** A call failing with the given errors in turn, then answering 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    calls += 1;
    const error = errors.shift();
    if (error) throw error;
    return 'ok';
  };
  return { call, calls: () => calls };
}

describe('retryDelayMs', () => {
  it('waits what a 429 asks for: retry-after-ms first, then Retry-After seconds or date', () => {
    expect(retryDelayMs(apiError(429, { 'retry-after-ms': '250', 'retry-after': '9' }), 1)).toBe(250);
    expect(retryDelayMs(apiError(429, { 'retry-after': '2' }), 1)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 7_000)).toBe(3000);
  });
  it('bounds what Retry-After asks for', () => {
    expect(retryDelayMs(apiError(429, { 'retry-after': '3600' }), 1, 60_000)).toBe(60_000);
  });
  it('backs off exponentially on transient failures without Retry-After', () => {
    expect(retryDelayMs(apiError(503), 1)).toBe(500);
    expect(retryDelayMs(apiError(500), 3)).toBe(2000);
    expect(retryDelayMs(new APIConnectionError({ message: 'reset' }), 10)).toBe(8000);
  });
  it('does not retry client errors, or when the server says not to', () => {
    expect(retryDelayMs(apiError(400), 1)).toBeUndefined();
    expect(retryDelayMs(apiError(404), 1)).toBeUndefined();
    expect(retryDelayMs(apiError(429, { 'x-should-retry': 'false' }), 1)).toBeUndefined();
    expect(retryDelayMs(new Error('bug'), 1)).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('retries 429s after the indicated delay until the call succeeds', async () => {
    const { waits, sleep } = recorder();
    const f = failing(apiError(429, { 'retry-after-ms': '30' }), apiError(429, { 'retry-after-ms': '40' }));
    await expect(withRetry('x', f.call, { sleep, maxAttempts: 5 })).resolves.toBe('ok');
    expect(waits).toEqual([30, 40]);
    expect(f.calls()).toBe(3);
  });
  it('gives up after maxAttempts with the last error', async () => {
    const { waits, sleep } = recorder();
    const f = failing(apiError(429), apiError(429), apiError(429), apiError(429));
    await expect(withRetry('x', f.call, { sleep, maxAttempts: 3 })).rejects.toMatchObject({ status: 429 });
    expect(f.calls()).toBe(3);
    expect(waits).toHaveLength(2);
  });
  it('fails at once on errors not worth retrying', async () => {
    const { waits, sleep } = recorder();
    const f = failing(apiError(400));
    await expect(withRetry('x', f.call, { sleep, maxAttempts: 5 })).rejects.toMatchObject({ status: 400 });
    expect(waits).toEqual([]);
  });
});

describe('deleteWithRetry', () => {
  const sleep = async () => {};
  it('counts a 404 as done', async () => {
    await expect(deleteWithRetry('x', failing(apiError(404)).call, { sleep, maxAttempts: 3 })).resolves.toBe('already_gone');
  });
  it('reports a deletion after retried 429s', async () => {
    await expect(deleteWithRetry('x', failing(apiError(429), apiError(502)).call, { sleep, maxAttempts: 3 })).resolves.toBe('deleted');
  });
  it('propagates other failures', async () => {
    await expect(deleteWithRetry('x', failing(apiError(403)).call, { sleep, maxAttempts: 3 })).rejects.toMatchObject({ status: 403 });
  });
});
