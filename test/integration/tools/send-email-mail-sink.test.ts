// send_email through the registry against the real mail sink over loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMailSink, type RunningMailSink } from '../../../local/mail-sink';
import { createSendEmailTool, createToolRegistry, type ToolDeps, type ToolOutcome } from '../../../src/tools';
import { emailIdempotencyKey } from '../../../src/tools/email/idempotency';
import { callContext, capturingLogger, testConfig } from '../../unit/tools/helpers';

const SIGNATURE = 'sink-signature-Xq7Zp9';

/** A loopback port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
const MAX_ATTEMPTS = 4;

describe('send_email against the mail sink', () => {
  let sink: RunningMailSink;
  const lines: string[] = [];

  beforeAll(async () => {
    sink = await startMailSink({ signature: SIGNATURE });
  });
  afterAll(async () => {
    await sink?.close();
  });
  beforeEach(async () => {
    await fetch(`${sink.url}/_admin/mail`, { method: 'DELETE' });
    await setFaults({});
  });

  const setFaults = async (faults: object) => {
    const res = await fetch(`${sink.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    expect(res.status).toBe(200);
  };
  const mail = async () => ((await (await fetch(`${sink.url}/_admin/mail`)).json()) as { items: Array<Record<string, unknown>> }).items;
  const stats = async () => ((await (await fetch(`${sink.url}/_admin/faults`)).json()) as { stats: Record<string, number> }).stats;

  /** Sends through a registry whose sleeps are recorded and shortened, so retries take no wall time. */
  async function send(callId: string, args: Record<string, unknown>, options: { logicAppUrl?: string; realSleep?: boolean; env?: Record<string, string> } = {}) {
    const sleeps: number[] = [];
    const capture = capturingLogger();
    const deps: ToolDeps = {
      config: testConfig({ EMAIL_LOGIC_APP_URL: options.logicAppUrl ?? sink.logicAppUrl, EMAIL_ALLOWED_DOMAINS: 'example.com,mail.example.com', EMAIL_MAX_PER_RUN: '100', EMAIL_MAX_PER_USER_PER_HOUR: '100', ...options.env }),
      ...(options.realSleep
        ? {}
        : {
            sleep: async (ms: number) => {
              sleeps.push(ms);
            },
          }),
    };
    const policy = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: options.realSleep ? 20 : 500, maxDelayMs: options.realSleep ? 100 : 8_000 };
    const registry = createToolRegistry({ ...deps, tools: [createSendEmailTool(deps, policy)] });
    const outcome = await registry.execute({ id: callId, name: 'send_email', arguments: JSON.stringify(args) }, callContext(capture.logger));
    lines.push(...capture.lines);
    return { outcome, sleeps };
  }

  it('delivers one email with the arguments and a key derived from the tool call id', async () => {
    const { outcome } = await send('call_one', { to: 'ada@example.com', subject: 'Your portfolio', content: '<h1>Summary</h1>' });
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.output)).toEqual({ ok: true, status: 202, to: ['ada@example.com'], subject: 'Your portfolio' });
    const items = await mail();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ to: 'ada@example.com', subject: 'Your portfolio', content: '<h1>Summary</h1>', idempotencyKey: emailIdempotencyKey('call_one') });
  });

  it('joins several recipients with semicolons and fills in the default subject', async () => {
    const { outcome } = await send('call_many', { to: 'a@example.com, b@mail.example.com', content: '<p>x</p>' });
    expect(outcome.status).toBe('succeeded');
    expect(await mail()).toMatchObject([{ to: 'a@example.com;b@mail.example.com', subject: 'Message from your assistant' }]);
  });

  it('retries through throttling (429 with Retry-After) until accepted, leaving exactly one email', async () => {
    await setFaults({ fail_next: [429, 429], retry_after_seconds: 2 });
    const { outcome, sleeps } = await send('call_retry', { to: 'ada@example.com', content: '<p>retry</p>' });
    expect(outcome.status).toBe('succeeded');
    expect(await stats()).toMatchObject({ requests: 3, accepted: 1, injected_429: 2 });
    const items = await mail();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ idempotencyKey: emailIdempotencyKey('call_retry'), content: '<p>retry</p>' });
    // The sink's Retry-After (2 s) is honoured for both throttled attempts.
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(2_000);
  });

  it('waits for real between attempts', async () => {
    await setFaults({ fail_next: [429, 429], retry_after_seconds: 0 });
    const { outcome } = await send('call_real_sleep', { to: 'ada@example.com', content: 'x' }, { realSleep: true });
    expect(outcome.status).toBe('succeeded');
    expect(await mail()).toHaveLength(1);
  });

  it('without repeatability, a 500 is unknown_outcome after one attempt: never resent', async () => {
    await setFaults({ rate_500: 1 });
    const { outcome } = await send('call_down', { to: 'ada@example.com', content: 'x' });
    expect(outcome.status).toBe('unknown_outcome');
    expect(JSON.parse(outcome.output)).toMatchObject({ status: 500, attempts: 1, outcome: 'unknown_outcome' });
    expect((await stats()).requests).toBe(1);
    expect(await mail()).toHaveLength(0);
  });

  it.each(['drop', '502'] as const)('without repeatability, an answer lost after acceptance (%s) is unknown_outcome with one email', async (how) => {
    await setFaults({ lose_answer_next: [how] });
    const { outcome } = await send(`call_lost_${how}`, { to: 'ada@example.com', content: 'x' });
    expect(outcome.status).toBe('unknown_outcome');
    expect(await mail()).toHaveLength(1);
    expect((await stats()).requests).toBe(1);
  });

  it.each(['drop', '502'] as const)('with ACS repeatability, an answer lost after acceptance (%s) is repeated and answered with the first outcome: one email', async (how) => {
    await setFaults({ lose_answer_next: [how] });
    const { outcome } = await send(`call_repeat_${how}`, { to: 'ada@example.com', content: 'x' }, { env: { EMAIL_REPEATABILITY: 'acs' } });
    expect(outcome.status).toBe('succeeded');
    expect(await stats()).toMatchObject({ requests: 2, accepted: 1, repeats: 1, answers_lost: 1 });
    expect(await mail()).toHaveLength(1);
  });

  it('does not retry a refused signature', async () => {
    const { outcome } = await send('call_badsig', { to: 'ada@example.com', content: 'x' }, { logicAppUrl: sink.logicAppUrl.replace(SIGNATURE, `${SIGNATURE}-wrong`) });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output)).toMatchObject({ status: 401, error: expect.stringContaining('signature is not valid') });
    expect(await mail()).toHaveLength(0);
  });

  it('never shows the signature in outputs or log lines', async () => {
    const seen: ToolOutcome[] = [];
    const from = lines.length;
    seen.push((await send('call_s1', { to: 'ada@example.com', content: 'x' })).outcome);
    await setFaults({ fail_next: [429, 429] });
    seen.push((await send('call_s2', { to: 'ada@example.com', content: 'x' })).outcome);
    await setFaults({ rate_500: 1 });
    seen.push((await send('call_s3', { to: 'ada@example.com', content: 'x' })).outcome);
    seen.push((await send('call_s4', { to: 'ada@example.com', content: 'x' }, { logicAppUrl: sink.logicAppUrl.replace(SIGNATURE, 'other') })).outcome);
    seen.push((await send('call_s5', { to: 'ada@example.com', content: 'x' }, { logicAppUrl: `http://127.0.0.1:${await closedPort()}/x?sig=${SIGNATURE}` })).outcome);
    expect(seen.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'unknown_outcome', 'failed', 'failed']);
    const logged = lines.slice(from);
    expect(logged.some((l) => l.includes('retrying'))).toBe(true);
    for (const text of [...seen.map((o) => o.output), ...logged]) {
      expect(text).not.toContain(SIGNATURE);
      expect(text).not.toContain('/workflows/send-email');
    }
  });
});
