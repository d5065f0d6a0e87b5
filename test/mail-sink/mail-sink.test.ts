import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMailSink, type RunningMailSink } from '../../local/mail-sink';
import { stopChild } from '../../local/azurite';

const email = { to: 'a@example.com', subject: 'Hello', content: '<p>Hi</p>' };

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const KEY = '6f9619ff-8b86-4d01-b42d-00c04fc964ff';

async function listMail(sink: RunningMailSink) {
  const res = await fetch(`${sink.url}/_admin/mail`);
  return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
}

describe('mail sink', () => {
  let sink: RunningMailSink;

  beforeAll(async () => {
    sink = await startMailSink({ signature: 'test-sig' });
  });
  afterAll(async () => {
    await sink?.close();
  });
  beforeEach(async () => {
    await fetch(`${sink.url}/_admin/mail`, { method: 'DELETE' });
    await post(`${sink.url}/_admin/faults`, {});
  });
  const stats = async () => ((await (await fetch(`${sink.url}/_admin/faults`)).json()) as { stats: Record<string, number> }).stats;

  it('has the Logic App trigger URL shape on loopback', () => {
    expect(sink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sink.logicAppUrl).toBe(
      `${sink.url}/workflows/send-email/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=test-sig`,
    );
  });

  it('answers 202 and stores each email with its Idempotency-Key; requests without a key are never collapsed', async () => {
    const first = await post(sink.logicAppUrl, email, { 'idempotency-key': 'call_1' });
    expect(first.status).toBe(202);
    expect(first.headers.get('x-ms-workflow-run-id')).toBeTruthy();
    expect((await post(sink.logicAppUrl, email)).status).toBe(202);
    expect((await post(sink.logicAppUrl, { ...email, extra: 'ignored' })).status).toBe(202);
    const items = await listMail(sink);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ ...email, idempotencyKey: 'call_1' });
    expect(items[1]).toMatchObject({ ...email, idempotencyKey: null });
    expect(items[2]).toMatchObject({ idempotencyKey: null });
    expect(items[2]).not.toHaveProperty('extra');
    expect(new Set(items.map((i) => i.id)).size).toBe(3);
    expect(Date.parse(String(items[0]?.receivedAt))).not.toBeNaN();
  });

  it('answers a repeat of one Idempotency-Key with the first outcome and sends nothing more (ACS repeatable requests)', async () => {
    const headers = { 'idempotency-key': KEY, 'repeatability-first-sent': new Date().toUTCString() };
    const first = await post(sink.logicAppUrl, email, headers);
    const again = await post(sink.logicAppUrl, email, headers);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get('x-ms-workflow-run-id')).toBe(first.headers.get('x-ms-workflow-run-id'));
    expect(again.headers.get('repeatability-result')).toBe('accepted');
    expect(await listMail(sink)).toHaveLength(1);
    expect((await stats()).repeats).toBe(1);
    // The same key with another body is refused rather than silently treated as the first.
    const mismatch = await post(sink.logicAppUrl, { ...email, subject: 'Other' }, headers);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ error: { code: 'RepeatabilityRequestMismatch' } });
    expect(await listMail(sink)).toHaveLength(1);
  });

  it('answers 412 for a first-sent time outside the 5-minute window and 400 for one that is not an IMF-fixdate', async () => {
    const old = await post(sink.logicAppUrl, email, { 'idempotency-key': KEY, 'repeatability-first-sent': new Date(Date.now() - 5 * 60_000 - 5_000).toUTCString() });
    expect(old.status).toBe(412);
    expect(await old.json()).toMatchObject({ error: { code: 'RepeatabilityPreconditionFailed' } });
    const bad = await post(sink.logicAppUrl, email, { 'idempotency-key': KEY, 'repeatability-first-sent': new Date().toISOString() });
    expect(bad.status).toBe(400);
    expect(await listMail(sink)).toHaveLength(0);
  });

  it('can ignore the key, like a workflow without repeatability (office365)', async () => {
    await post(`${sink.url}/_admin/faults`, { ignore_idempotency_key: true });
    const headers = { 'idempotency-key': KEY, 'repeatability-first-sent': new Date().toUTCString() };
    expect((await post(sink.logicAppUrl, email, headers)).status).toBe(202);
    expect((await post(sink.logicAppUrl, email, headers)).status).toBe(202);
    expect(await listMail(sink)).toHaveLength(2);
  });

  it('loses the answer after storing the email: the connection drops, or 502 comes back', async () => {
    await post(`${sink.url}/_admin/faults`, { lose_answer_next: ['drop', '502'] });
    await expect(post(sink.logicAppUrl, email, { 'idempotency-key': 'k-drop' })).rejects.toThrow();
    const failed = await post(sink.logicAppUrl, email, { 'idempotency-key': 'k-502' });
    expect(failed.status).toBe(502);
    expect(await listMail(sink)).toHaveLength(2);
    expect(await stats()).toMatchObject({ requests: 2, accepted: 2, answers_lost: 2 });
    // The repeat of a lost answer gets the first outcome: the email is not sent again.
    const repeat = await post(sink.logicAppUrl, email, { 'idempotency-key': 'k-drop' });
    expect(repeat.status).toBe(202);
    expect(await listMail(sink)).toHaveLength(2);
  });

  it('answers 401 like Logic Apps for a missing or wrong signature, storing nothing', async () => {
    const missing = await post(sink.logicAppUrl.replace('&sig=test-sig', ''), email);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 'DirectApiAuthorizationRequired' } });
    const wrong = await post(sink.logicAppUrl.replace('sig=test-sig', 'sig=test-sif'), email);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'DirectApiInvalidAuthorizationSignature' } });
    expect(await listMail(sink)).toHaveLength(0);
  });

  it('answers 400 naming the fields that do not match the trigger schema', async () => {
    const res = await post(sink.logicAppUrl, { to: 'a@example.com', subject: 5 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TriggerInputSchemaMismatch');
    expect(body.error.message).toContain('subject');
    expect(body.error.message).toContain('content: required property is missing');
    const notJson = await post(sink.logicAppUrl, '{not json');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'InvalidRequestContent' } });
    expect(await listMail(sink)).toHaveLength(0);
  });

  it('injects 429 with Retry-After and 500 without storing the email', async () => {
    await post(`${sink.url}/_admin/faults`, { rate_429: 1, retry_after_seconds: 7 });
    const throttled = await post(sink.logicAppUrl, email);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    await post(`${sink.url}/_admin/faults`, { rate_500: 1 });
    expect((await post(sink.logicAppUrl, email)).status).toBe(500);
    expect(await listMail(sink)).toHaveLength(0);
    const faults = (await (await fetch(`${sink.url}/_admin/faults`)).json()) as { stats: Record<string, number> };
    expect(faults.stats).toEqual({ requests: 1, accepted: 0, injected_429: 0, injected_500: 1, repeats: 0, answers_lost: 0 });
  });

  it('plays a scripted sequence of failures, then accepts', async () => {
    await post(`${sink.url}/_admin/faults`, { fail_next: [500, 429] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(sink.logicAppUrl, email)).status);
    expect(statuses).toEqual([500, 429, 202]);
    expect(await listMail(sink)).toHaveLength(1);
  });

  it('adds the configured latency', async () => {
    await post(`${sink.url}/_admin/faults`, { latency_ms: [300, 300] });
    const started = Date.now();
    expect((await post(sink.logicAppUrl, email)).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('rejects invalid fault settings', async () => {
    const res = await post(`${sink.url}/_admin/faults`, { rate_429: 2 });
    expect(res.status).toBe(400);
    expect((await post(`${sink.url}/_admin/faults`, { latency_ms: [50, 10] })).status).toBe(400);
  });

  it('clears, reports health and answers 404 elsewhere', async () => {
    await post(sink.logicAppUrl, email);
    const cleared = await fetch(`${sink.url}/_admin/mail`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ deleted: 1 });
    expect(await listMail(sink)).toHaveLength(0);
    expect((await fetch(`${sink.url}/_admin/health`)).status).toBe(200);
    expect((await fetch(`${sink.url}/nothing`)).status).toBe(404);
    expect((await fetch(sink.logicAppUrl)).status).toBe(405);
  });
});

describe('mail sink with a data folder', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mail-sink-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON file per email, reloads them on restart and deletes them on clear', async () => {
    const first = await startMailSink({ dataDir: dir });
    try {
      await post(first.logicAppUrl, email, { 'idempotency-key': 'k1' });
      await post(first.logicAppUrl, { ...email, subject: 'Second' }, { 'idempotency-key': 'k2' });
    } finally {
      await first.close();
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(2);
    const saved = JSON.parse(await readFile(path.join(dir, files[0]!), 'utf8'));
    expect(saved).toMatchObject({ to: email.to, content: email.content });

    const second = await startMailSink({ dataDir: dir });
    try {
      const items = await listMail(second);
      expect(items.map((i) => i.idempotencyKey)).toEqual(['k1', 'k2']);
      await fetch(`${second.url}/_admin/mail`, { method: 'DELETE' });
      expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toHaveLength(0);
    } finally {
      await second.close();
    }
  });
});

describe('mail sink CLI', () => {
  it('prints where it listens and the Logic App URL, and accepts email there', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/mail-sink/cli.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout! });
      const printed: string[] = [];
      for await (const line of lines) {
        printed.push(line);
        if (line.startsWith('Logic App URL:')) break;
      }
      expect(printed[0]).toMatch(/^Mail sink listening on http:\/\/127\.0\.0\.1:\d+/);
      const logicAppUrl = printed[1]!.replace('Logic App URL: ', '');
      expect(logicAppUrl).toContain('sig=local-dev-signature');
      expect((await post(logicAppUrl, email)).status).toBe(202);
    } finally {
      await stopChild(child);
    }
  });
});
