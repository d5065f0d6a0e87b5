import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/retry-after';
import { collect, deleteUnlessGone } from '../../src/sweep/upstream-calls';

const apiError = (status: number) => APIError.generate(status, { message: `status ${status}` }, undefined, new Headers());

/** A call failing with the given errors in turn, then answering 'ok'. */
function failing(...errors: unknown[]) {
  return async () => {
    const error = errors.shift();
    if (error) throw error;
    return 'ok';
  };
}

describe('retryAfterMs', () => {
  it('reads retry-after-ms first, then Retry-After seconds or date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 7_000)).toBe(3000);
  });
  it('is undefined when absent or unreadable, and never negative', () => {
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(1_000).toUTCString() }), 7_000)).toBe(0);
  });
});

describe('deleteUnlessGone', () => {
  it('counts a 404 as done', async () => {
    await expect(deleteUnlessGone(failing(apiError(404)))).resolves.toBe('already_gone');
  });
  it('reports a deletion', async () => {
    await expect(deleteUnlessGone(failing())).resolves.toBe('deleted');
  });
  it('propagates other failures', async () => {
    await expect(deleteUnlessGone(failing(apiError(403)))).rejects.toMatchObject({ status: 403 });
  });
});

describe('collect', () => {
  it('stops when a listing repeats an item (a service ignoring `after`)', async () => {
    async function* pages() {
      for (let i = 0; i < 1000; i++) yield* [{ id: 'a' }, { id: 'b' }];
    }
    expect(await collect(pages())).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
});
