import { describe, expect, it } from 'vitest';
import { createSendEmailTool, createToolRegistry, type ToolDeps } from '../../../src/tools';
import { emailIdempotencyKey, formatFirstSent } from '../../../src/tools/email/idempotency';
import { createEmailQuota, memoryCounters } from '../../../src/tools/email/send-quota';
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
    config: testConfig({ EMAIL_ALLOWED_DOMAINS: 'example.com,contoso.com,*.contoso.com', EMAIL_MAX_RECIPIENTS: '3', ...env }),
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

const KEY = emailIdempotencyKey('call_abc');
const econnreset = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
const enotfound = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
const ACS = { EMAIL_LOGIC_APP_URL: LOGIC_APP_URL, EMAIL_REPEATABILITY: 'acs' };
const econnrefused = () => Object.assign(new TypeError(`fetch failed for ${LOGIC_APP_URL}`), { cause: { code: 'ECONNREFUSED' } });

describe('send_email', () => {
  it('posts {to, subject, content} with the Idempotency-Key and first-sent time and reports success', async () => {
    const { send, requests, lines } = setup([reply(202)]);
    const firstAttemptAt = Date.parse('2026-12-01T09:30:15.750Z');
    const outcome = await send({ to: 'a@example.com; b@sales.contoso.com', content: '<p>Hello</p>' }, { firstAttemptAt });
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.output)).toEqual({ ok: true, status: 202, to: ['a@example.com', 'b@sales.contoso.com'], subject: 'Message from your assistant' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(LOGIC_APP_URL);
    expect(requests[0]?.headers.get('idempotency-key')).toBe(KEY);
    expect(requests[0]?.headers.get('repeatability-first-sent')).toBe('Tue, 01 Dec 2026 09:30:15 GMT');
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

  it('derives a stable UUID key from the tool call id', () => {
    expect(KEY).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(emailIdempotencyKey('call_abc')).toBe(KEY);
    expect(emailIdempotencyKey('call_abd')).not.toBe(KEY);
  });

  it('retries 429 after the Retry-After interval, with the same key and first-sent time', async () => {
    const { send, requests, sleeps } = setup([reply(429, '', { 'retry-after': '3' }), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { firstAttemptAt: 1_000_000 });
    expect(outcome.status).toBe('succeeded');
    expect(sleeps).toEqual([3_000]);
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual([KEY, KEY]);
    expect(requests.map((r) => r.headers.get('repeatability-first-sent'))).toEqual([formatFirstSent(1_000_000), formatFirstSent(1_000_000)]);
  });

  it('does not retry a 429 without Retry-After: nothing was sent', async () => {
    const { send, requests } = setup([reply(429), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toContain('No email was sent');
    expect(requests).toHaveLength(1);
  });

  it('retries what never reached the Logic App (refused connection, DNS failure) with growing delays', async () => {
    const { send, requests, sleeps } = setup([econnrefused(), enotfound(), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('succeeded');
    expect(requests).toHaveLength(3);
    // random() = 0 → half of each exponential step: 400/2, 800/2.
    expect(sleeps).toEqual([200, 400]);
  });

  it.each([
    ['a connection reset after sending', econnreset],
    ['a 5xx answer', () => reply(502, JSON.stringify({ error: { code: 'email_not_accepted', message: 'not accepted' } }))],
    ['a 412 (first-sent time outside the window)', () => reply(412)],
  ])('reports %s without repeatability as unknown_outcome and never resends', async (_, failure) => {
    const { send, requests, lines } = setup([failure(), reply(202)]);
    const outcome = await send({ to: 'a@example.com', content: 'x' });
    expect(outcome.status).toBe('unknown_outcome');
    expect(JSON.parse(outcome.output)).toMatchObject({ outcome: 'unknown_outcome', attempts: 1, error: expect.stringContaining('may or may not have been sent') });
    expect(requests).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('with ACS repeatability, repeats an ambiguous failure with the same key and first-sent time', async () => {
    const { send, requests } = setup([econnreset(), reply(409), reply(202)], ACS);
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { firstAttemptAt: Date.now() });
    expect(outcome.status).toBe('succeeded');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => `${r.headers.get('idempotency-key')}|${r.headers.get('repeatability-first-sent')}`)).size).toBe(1);
  });

  it('with ACS repeatability, a 412 is still unknown_outcome, never a resend', async () => {
    const { send, requests } = setup([econnreset(), reply(412), reply(202)], ACS);
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { firstAttemptAt: Date.now() });
    expect(outcome.status).toBe('unknown_outcome');
    expect(requests).toHaveLength(2);
  });

  it('with ACS repeatability, stops repeating once the first-sent time nears the end of the 5-minute window', async () => {
    const { send, requests } = setup([econnreset(), reply(202)], ACS);
    // Claimed 4.5 minutes ago (e.g. a redelivered call): a repeat could fall outside ACS's window.
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { firstAttemptAt: Date.now() - 270_000 });
    expect(outcome.status).toBe('unknown_outcome');
    expect(requests).toHaveLength(1);
  });

  it('with ACS repeatability, running out of attempts after ambiguous failures is unknown_outcome', async () => {
    const { send, requests } = setup([reply(500), reply(500), reply(500)], ACS);
    const outcome = await send({ to: 'a@example.com', content: 'x' }, { firstAttemptAt: Date.now() });
    expect(outcome.status).toBe('unknown_outcome');
    expect(requests).toHaveLength(3);
  });

  it('spreads retries with jitter', async () => {
    const { send, sleeps } = setup([econnrefused(), reply(202)], undefined, { random: () => 0.999 });
    await send({ to: 'a@example.com', content: 'x' });
    expect(sleeps[0]).toBeGreaterThan(390);
    expect(sleeps[0]).toBeLessThanOrEqual(400);
  });

  it('caps emails per run and per user per hour, refusing before calling the Logic App', async () => {
    const counters = memoryCounters();
    const emailQuota = createEmailQuota({ EMAIL_MAX_PER_RUN: 2, EMAIL_MAX_PER_USER_PER_HOUR: 3 }, counters);
    const { send, requests } = setup([reply(202), reply(202), reply(202), reply(202)], undefined, { emailQuota });
    const statuses = [];
    for (const runId of ['run_a', 'run_a', 'run_a', 'run_b', 'run_b']) statuses.push((await send({ to: 'a@example.com', content: 'x' }, { runId })).status);
    expect(statuses).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded', 'failed']);
    expect(requests).toHaveLength(3);
    // Another user has their own hourly allowance.
    expect((await send({ to: 'a@example.com', content: 'x' }, { runId: 'run_c', userId: 'user_2' })).status).toBe('succeeded');
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
