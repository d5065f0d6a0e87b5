// Which worker failures re-queue a run and which fail it (src/runs/failures.ts), on the errors the SDK and the
// storage clients really throw.
import { RestError } from '@azure/core-rest-pipeline';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { backoffSeconds, classifyRunFailure } from '../../../src/runs/failures';

const apiError = (status: number, message = 'x', headers: Record<string, string> = {}) => OpenAI.APIError.generate(status, { error: { message } }, message, new Headers(headers));

describe('run failure classification', () => {
  it('treats 5xx after the SDK retries, connection trouble and cut streams as transient', () => {
    for (const error of [
      apiError(500),
      apiError(503),
      new OpenAI.APIConnectionError({ message: 'Connection error.' }),
      new OpenAI.APIConnectionTimeoutError(),
      new TypeError('terminated'),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      new RestError('Server busy', { statusCode: 503 }),
      new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
    ]) {
      expect(classifyRunFailure(error).kind, String(error)).toBe('transient');
    }
  });

  it('treats refused requests (4xx but 429) as permanent, with the reason kept', () => {
    const refused = classifyRunFailure(apiError(400, "Invalid 'additional_instructions': string too long."));
    expect(refused).toMatchObject({ kind: 'permanent', error: { code: 'upstream_error' } });
    expect(refused.kind === 'permanent' && refused.error.message).toContain('string too long');
    expect(classifyRunFailure(apiError(401)).kind).toBe('permanent');
    expect(classifyRunFailure(apiError(404)).kind).toBe('permanent');
  });

  it('reads Retry-After from a 429', () => {
    expect(classifyRunFailure(apiError(429, 'slow down', { 'retry-after': '7' }))).toEqual({ kind: 'rate_limited', retryAfterSeconds: 7 });
  });

  it('leaves what it cannot place to the host (and the poison queue)', () => {
    expect(classifyRunFailure(new Error('run has no assistant id')).kind).toBe('unknown');
    expect(classifyRunFailure(new RestError('Conflict', { statusCode: 409 })).kind).toBe('unknown');
  });

  it('backs off exponentially up to a minute, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(n, () => 0.999))).toEqual([2, 4, 8, 16, 32, 60, 60]);
    expect(backoffSeconds(5, () => 0)).toBe(16);
  });
});
