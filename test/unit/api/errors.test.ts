// Errors are mapped once, to `{error:{code,message}}`, with no stack, upstream URL or secret.
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toHttpHandler } from '../../../src/api/handler';
import { AppError, notFound, runActive } from '../../../src/errors';
import { binary, json, noContent } from '../../../src/api/results';
import { routeSpecs } from '../../../src/api/routes';
import { devConfig, errorOf, invoke, spyRoute } from './support';

const config = devConfig();
const user = { 'x-user-id': 'alice' };
const call = { path: '/threads/thread_abc', headers: user };
const throwing = (error: unknown) =>
  spyRoute(routeSpecs.getThread, async () => {
    throw error;
  }).route;

describe('error mapping', () => {
  it.each([
    [notFound('Thread thread_abc'), 404, 'not_found'],
    [runActive('thread_abc', 'run_abc'), 409, 'run_active'],
    [new AppError('forbidden', 'Not your thread.', 403), 403, 'forbidden'],
    [new AppError('upstream_error', 'The assistants service failed.', 502), 502, 'upstream_error'],
  ])('AppError %s → its status and code', async (error, status, code) => {
    const result = await invoke(throwing(error), call, config);
    expect(result.status).toBe(status);
    expect(errorOf(result)).toEqual({ code, message: error.message });
    expect(result.headers.get('x-request-id')).toBe('inv-1234');
  });

  it('429 carries Retry-After from details.retryAfterSeconds, rounded up', async () => {
    const result = await invoke(throwing(new AppError('rate_limited', 'Slow down.', 429, { retryAfterSeconds: 7.2 })), call, config);
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('8');
    expect(errorOf(result).code).toBe('rate_limited');
  });

  it('503 carries Retry-After too; other statuses never do', async () => {
    const unavailable = await invoke(throwing(new AppError('upstream_unavailable', 'Try later.', 503, { retryAfterSeconds: 30 })), call, config);
    expect(unavailable.headers.get('retry-after')).toBe('30');
    const conflict = await invoke(throwing(new AppError('conflict', 'No.', 409, { retryAfterSeconds: 30 })), call, config);
    expect(conflict.headers.get('retry-after')).toBeNull();
  });

  it('scrubs URLs and credentials out of AppError messages', async () => {
    const error = new AppError('upstream_error', 'POST https://my-aoai.openai.azure.com/openai/threads?api-version=2024&api-key=SECRET123 failed (Bearer abc.def)', 502);
    const result = await invoke(throwing(error), call, config);
    expect(result.text).not.toContain('openai.azure.com');
    expect(result.text).not.toContain('SECRET123');
    expect(result.text).not.toContain('abc.def');
    expect(errorOf(result).message).toContain('failed');
  });

  it('unexpected errors → 500 internal_error with a generic message; details only in the (redacted) log', async () => {
    const error = new TypeError('Cannot read properties of undefined (reading sig) at https://logic.example/triggers?sig=SASSECRET');
    const result = await invoke(throwing(error), call, config);
    expect(result.status).toBe(500);
    const body = errorOf(result);
    expect(body.code).toBe('internal_error');
    expect(body.message).toMatch(/unexpected error/i);
    for (const leak of ['Cannot read', 'logic.example', 'SASSECRET', 'TypeError', '    at ']) expect(result.text).not.toContain(leak);
    const logged = result.logs.join('\n');
    expect(logged).toContain('Cannot read properties');
    expect(logged).toContain('inv-1234');
    expect(logged).not.toContain('SASSECRET');
  });

  it('a ZodError thrown by a handler → 400 validation_failed naming the field', async () => {
    const parsed = z.object({ limit: z.number().max(5) }).safeParse({ limit: 9 });
    const result = await invoke(throwing(parsed.error), call, config);
    expect(result.status).toBe(400);
    expect(errorOf(result)).toEqual({ code: 'validation_failed', message: expect.stringContaining('limit: Too big') });
  });

  it('thrown non-errors are unexpected too', async () => {
    const result = await invoke(throwing('just a string'), call, config);
    expect(result.status).toBe(500);
    expect(result.text).not.toContain('just a string');
  });

  it('a broken configuration answers 500 with a request id instead of crashing', async () => {
    const { route } = spyRoute(routeSpecs.getThread);
    const handler = toHttpHandler(route, {
      getConfig: () => {
        throw new Error('ASSISTANTS_API_KEY=sk-live-123 is invalid');
      },
    });
    const context = new InvocationContext({ invocationId: 'inv-9', logHandler: () => undefined });
    const init = await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/threads/thread_abc', params: { threadId: 'thread_abc' } }), context);
    const response = new HttpResponse(init as HttpResponseInit);
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('inv-9');
    expect(await response.text()).not.toContain('sk-live');
  });
});

describe('result mapping', () => {
  it('JSON results get a JSON content type and keep handler headers', async () => {
    const { route } = spyRoute(routeSpecs.postMessage, async () => json(202, { run: { id: 'run_1', status: 'queued' }, message_id: 'msg_1' }, { Location: 'http://localhost/api/threads/thread_abc/runs/run_1' }));
    const result = await invoke(route, { path: '/threads/thread_abc/messages', json: { content: 'hi' }, headers: user }, config);
    expect(result.status).toBe(202);
    expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(result.headers.get('location')).toBe('http://localhost/api/threads/thread_abc/runs/run_1');
    expect(result.body).toEqual({ run: { id: 'run_1', status: 'queued' }, message_id: 'msg_1' });
  });

  it('204 has no body', async () => {
    const { route } = spyRoute(routeSpecs.deleteThread, async () => noContent());
    const result = await invoke(route, { path: '/threads/thread_abc', headers: user }, config);
    expect(result.status).toBe(204);
    expect(result.text).toBe('');
    expect(result.headers.get('x-request-id')).toBe('inv-1234');
  });

  it('binary results keep their content type and offer a safe download name', async () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n');
    const { route } = spyRoute(routeSpecs.getFileContent, async () => binary(bytes, 'text/csv', { filename: 'résumé "q1".csv' }));
    const result = await invoke(route, { path: '/files/file-abc/content', headers: user }, config);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/csv');
    expect(result.text).toBe('a,b\n1,2\n');
    expect(result.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ _q1_.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q1%22.csv`);
  });
});
