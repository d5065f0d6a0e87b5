import { describe, expect, it } from 'vitest';
import { createSendEmailTool, createToolRegistry, type ToolDeps } from '../../../src/tools';
import { callContext, capturingLogger, reply, testConfig } from './helpers';

const LOGIC_APP_URL = 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SuperSecretSig123';
const SECRET = 'SuperSecretSig123';

interface Recorded {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A fetch that answers from a script and records each request. */
function scriptedFetch(script: Array<Response | Error>) {
  const requests: Recorded[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
    const next = script.shift();
    if (!next) throw new Error('no scripted answer left');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { fetchImpl, requests };
}

function setup(script: Array<Response | Error>, env: Record<string, string> = { EMAIL_LOGIC_APP_URL: LOGIC_APP_URL }, extra: Partial<ToolDeps> = {}) {
  const { fetchImpl, requests } = scriptedFetch(script);
  const sleeps: number[] = [];
  const deps: ToolDeps = {
    config: testConfig({ EMAIL_ALLOWED_DOMAINS: 'example.com,contoso.com', EMAIL_MAX_RECIPIENTS: '3', ...env }),
    fetch: fetchImpl,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  };
  const registry = createToolRegistry({ ...deps, tools: [createSendEmailTool(deps, { maxAttempts: 3, baseDelayMs: 400, maxDelayMs: 5_000 })] });
  const { logger, lines } = capturingLogger();
  const send = (args: Record<string, unknown>, overrides = {}) =>
    registry.execute({ id: 'call_abc', name: 'send_email', arguments: JSON.stringify(args) }, callContext(logger, overrides));
  return { send, requests, sleeps, lines };
}

const econnrefused = () => Object.assign(new TypeError(`fetch failed for ${LOGIC_APP_URL}`), { cause: { code: 'ECONNREFUSED' } });

describe('send_email', () => {
  it('posts {to, subject, content} with the Idempotency-Key and reports success', async () => {
    const { send, requests, lines } = setup([reply(202)]);
    const outcome = await send({ to: 'a@example.com; b@sales.contoso.com', content: '<p>Hello</p>' });
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.output)).toEqual({ ok: true, status: 202, to: ['a@example.com', 'b@sales.contoso.com'], subject: 'Message from your assistant' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(LOGIC_APP_URL);
    expect(requests[0]?.headers.get('idempotency-key')).toBe('call_abc');
    expect(requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(requests[0]?.body).toEqual({ to: 'a@example.com;b@sales.contoso.com', subject: 'Message from your assistant', content: '<p>Hello</p>' });
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('uses the given subject and accepts any 2xx', async () => {
    const { send, requests } = setup([reply(200, '{}')]);
    const outcome = await send({ to: 'a@example.com', subject: 'Portfolio summary', content: '<b>x</b>' });
    expect(JSON.parse(outcome.output)).toMatchObject({ ok: true, status: 200, subject: 'Portfolio summary' });
    expect(requests[0]?.body.subject).toBe('Portfolio summary');
  });

  it('says email is not configured when no Logic App URL is set', async () => {
    const { send, requests } = setup([reply(202)], {});
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toMatch(/email is not configured/i);
    expect(requests).toHaveLength(0);
  });

  it('refuses recipients outside the allowlist or above the limit without calling the Logic App', async () => {
    const { send, requests } = setup([reply(202)]);
    const outside = await send({ to: 'a@example.com, eve@evil.io', content: 'x' });
    expect(outside.status).toBe('failed');
    expect(JSON.parse(outside.output).error).toContain('eve@evil.io');
    const tooMany = await send({ to: 'a@example.com,b@example.com,c@example.com,d@example.com', content: 'x' });
    expect(JSON.parse(tooMany.output).error).toContain('at most 3');
    expect(requests).toHaveLength(0);
  });

  it('returns missing arguments to the model', async () => {
    const { send, requests } = setup([reply(202)]);
    const outcome = await send({ subject: 'x' });
    expect(outcome.status).toBe('invalid_arguments');
    expect(JSON.parse(outcome.output).error).toMatch(/to: is required; content: is required/);
    expect(requests).toHaveLength(0);
  });

  it('retries 429 after the Retry-After interval, with the same Idempotency-Key', async () => {
    const { send, requests, sleeps } = setup([reply(429, '', { 'retry-after': '3' }), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('succeeded');
    expect(sleeps).toEqual([3_000]);
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual(['call_abc', 'call_abc']);
  });

  it('retries 5xx and network errors with growing delays', async () => {
    const { send, requests, sleeps } = setup([reply(500), econnrefused(), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('succeeded');
    expect(requests).toHaveLength(3);
    // random() = 0 → half of each exponential step: 400/2, 800/2.
    expect(sleeps).toEqual([200, 400]);
  });

  it('spreads retries with jitter', async () => {
    const { send, sleeps } = setup([reply(503), reply(202)], undefined, { random: () => 0.999 });
    await send({ to: 'a@example.com', content: 'x' });
    expect(sleeps[0]).toBeGreaterThan(390);
    expect(sleeps[0]).toBeLessThanOrEqual(400);
  });

  it('does not retry other 4xx and reports the reason', async () => {
    const { send, requests } = setup([reply(400, JSON.stringify({ error: { code: 'TriggerInputSchemaMismatch', message: `bad input at ${LOGIC_APP_URL}` } }))]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('failed');
    expect(requests).toHaveLength(1);
    const output = JSON.parse(outcome.output);
    expect(output).toMatchObject({ status: 400 });
    expect(output.error).toContain('HTTP 400: bad input');
    expect(outcome.output).not.toContain(SECRET);
  });

  it('gives up after the last attempt without leaking the URL', async () => {
    const { send, requests, lines } = setup([econnrefused(), econnrefused(), econnrefused()]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('failed');
    expect(requests).toHaveLength(3);
    expect(JSON.parse(outcome.output)).toMatchObject({ attempts: 3, error: expect.stringContaining('ECONNREFUSED') });
    expect(outcome.output).not.toContain(SECRET);
    expect(outcome.output).not.toContain('logic.azure.com');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('gives up early when the next retry would pass the deadline', async () => {
    const { send, requests, sleeps } = setup([reply(429, '', { 'retry-after': '120' }), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { deadlineMs: Date.now() + 10_000 });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output)).toMatchObject({ status: 429, attempts: 1, error: expect.stringContaining('time limit') });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('is declared non-idempotent', () => {
    const tool = createSendEmailTool({ config: testConfig() });
    expect(tool.idempotent).toBe(false);
  });
});
