import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { AppError } from '../../../src/errors';
import { classifyUpstreamError, createUpstreamClient, retryAfter } from '../../../src/upstream';
import { startCaptureServer, type CaptureServer, type ScriptedResponse } from './capture-server';

/** Runs a real SDK call against `answer` (no retries) and classifies what it throws. */
async function classifyAnswer(server: CaptureServer, answer: ScriptedResponse, context = {}): Promise<AppError> {
  server.respondWith(() => answer);
  const client = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url })).withOptions({ maxRetries: 0 });
  const error = await client.beta.threads.retrieve('thread_abc').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return classifyUpstreamError(error, context);
}

const apiError = (message: string) => ({ error: { message, type: 'invalid_request_error', param: null, code: null } });

describe('classifyUpstreamError', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(() => server.close());

  it('maps 404 to not_found, naming what was looked up', async () => {
    const error = await classifyAnswer(server, { status: 404, body: apiError("No thread found with id 'thread_abc'.") }, { what: 'Thread' });
    expect(error).toMatchObject({ code: 'not_found', status: 404, message: 'Thread not found.' });
  });

  it('maps "already has an active run" to run_active with the run id', async () => {
    const error = await classifyAnswer(server, { status: 400, body: apiError('Thread thread_abc already has an active run run_xyz789.') });
    expect(error).toMatchObject({ code: 'run_active', status: 409, details: { runId: 'run_xyz789' } });
    expect(error.message).toContain('thread_abc');
  });

  it('maps "while a run ... is active" to run_active with the run id', async () => {
    const error = await classifyAnswer(server, { status: 400, body: apiError("Can't add messages to thread_abc while a run run_def456 is active.") });
    expect(error).toMatchObject({ code: 'run_active', status: 409, details: { runId: 'run_def456' } });
  });

  it('maps 429 to rate_limited with the advertised wait', async () => {
    const seconds = await classifyAnswer(server, { status: 429, body: apiError('Rate limit reached'), headers: { 'retry-after': '7' } });
    expect(seconds).toMatchObject({ code: 'rate_limited', status: 429, details: { retryAfterSeconds: 7 } });
    const ms = await classifyAnswer(server, { status: 429, body: apiError('Rate limit reached'), headers: { 'retry-after-ms': '1500' } });
    expect(ms.details.retryAfterSeconds).toBe(2);
  });

  it('maps 502/503/504 to upstream_unavailable and other 5xx to upstream_error', async () => {
    expect(await classifyAnswer(server, { status: 503, body: apiError('busy') })).toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(await classifyAnswer(server, { status: 500, body: apiError('oops') })).toMatchObject({ code: 'upstream_error', status: 502 });
  });

  it('keeps other 4xx as upstream_error with a scrubbed message', async () => {
    const error = await classifyAnswer(server, {
      status: 400,
      body: apiError('Invalid file https://files.example.net/f/1?sig=SECRETSIG&se=2025 and api-key=abc123; Bearer eyJhbGciOi.secret'),
    });
    expect(error).toMatchObject({ code: 'upstream_error', status: 502, details: { upstreamStatus: 400 } });
    expect(error.message).toContain('Invalid file');
    for (const leaked of ['https://', 'files.example.net', 'SECRETSIG', 'abc123', 'eyJhbGciOi']) expect(error.message).not.toContain(leaked);
  });

  it('does not echo why our own credentials were refused', async () => {
    const error = await classifyAnswer(server, { status: 401, body: apiError('Incorrect API key provided: sk-live-XYZ') });
    expect(error).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(error.message).not.toContain('sk-live-XYZ');
  });

  it('maps connection failures and timeouts to upstream_unavailable', async () => {
    // A port that was just released: nothing listens there.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: `http://127.0.0.1:${port}` })).withOptions({ maxRetries: 0 });
    const connectionError = await refused.beta.assistants.list().catch((e: unknown) => e);
    expect(classifyUpstreamError(connectionError)).toMatchObject({ code: 'upstream_unavailable', status: 503 });

    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const slow = createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: url })).withOptions({ maxRetries: 0, timeout: 300 });
      const timeout = await slow.beta.assistants.list().catch((e: unknown) => e);
      expect(classifyUpstreamError(timeout)).toMatchObject({ code: 'upstream_unavailable', message: expect.stringContaining('in time') });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('maps a failing token provider to upstream_unavailable without its details', async () => {
    const client = createUpstreamClient(
      loadConfig({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/p`, AzureWebJobsStorage: 'UseDevelopmentStorage=true' }),
      { credential: { getToken: async () => Promise.reject(new Error('IMDS said no: secret-detail')) } },
    ).withOptions({ maxRetries: 0 });
    const error = classifyUpstreamError(await client.beta.assistants.list().catch((e: unknown) => e));
    expect(error).toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(error.message).not.toContain('secret-detail');
  });

  it('maps an error event inside a started stream (no status) to upstream_error', () => {
    const streamError = new OpenAI.APIError(undefined, { message: 'The server had an error while processing tokens.' }, undefined, undefined);
    expect(classifyUpstreamError(streamError)).toMatchObject({ code: 'upstream_error', status: 502, message: expect.stringContaining('processing tokens') });
  });

  it('passes AppErrors through and hides unknown failures', () => {
    const own = new AppError('conflict', 'mine', 409);
    expect(classifyUpstreamError(own)).toBe(own);
    expect(classifyUpstreamError(new TypeError('x is undefined'))).toMatchObject({ code: 'internal_error', status: 500 });
  });
});

describe('retryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3);
    expect(retryAfter(new Headers({ 'retry-after-ms': '250' }), now)).toBe(1);
    expect(retryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfter(new Headers(), now)).toBeUndefined();
  });
});
