// Exactly-once email through the real worker on the local stack: the mail sink stores the email and then loses
// the answer (the connection drops, or a 502 comes back). The sink is told to ignore Idempotency-Key, like the
// Office 365 workflow, so any resend shows up as a second email: the test fails if send_email retried blindly.
// The caps are checked on the same stack (counted in Azurite, as in Azure).
import { describe, expect, it } from 'vitest';
import { MAX_TOOL_ARGUMENTS_CHARS } from '../../../src/store/ledger/limits';
import { emailIdempotencyKey } from '../../../src/tools/email/idempotency';
import { apiClient, eventually, useStack } from '../../support/stack';

const stack = useStack({ env: { EMAIL_MAX_PER_RUN: '2', EMAIL_MAX_PER_USER_PER_HOUR: '3' } });
const erin = () => apiClient(() => stack().api, 'erin');
const frank = () => apiClient(() => stack().api, 'frank');

type Mail = { subject: string; idempotencyKey: string | null; firstSent?: string | null };
const mail = async (): Promise<Mail[]> => ((await (await fetch(`${stack().mail.url}/_admin/mail`)).json()) as { items: Mail[] }).items;
const sinkStats = async () => ((await (await fetch(`${stack().mail.url}/_admin/faults`)).json()) as { stats: Record<string, number> }).stats;
const setFaults = async (faults: object) => {
  const res = await fetch(`${stack().mail.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
};
const sendLine = (subject: string) => `/call send_email ${JSON.stringify({ to: 'ops@example.com', subject, content: `<p>${subject}</p>` })}`;

async function runToEnd(client: ReturnType<typeof apiClient>, content: string) {
  const threadId = (await client.post('/threads', {})).body!.id as string;
  const runId = (await client.post(`/threads/${threadId}/messages`, { content })).body!.run.id as string;
  return eventually(async () => {
    const run = await client.get(`/threads/${threadId}/runs/${runId}`);
    return ['completed', 'failed', 'cancelled', 'expired'].includes(run.body?.status) ? run.body! : undefined;
  }, { timeoutMs: 60_000, intervalMs: 300 });
}

describe('send_email exactly once through the worker', () => {
  it.each(['drop', '502'] as const)('an answer lost after acceptance (%s) never produces a second email', async (how) => {
    await fetch(`${stack().mail.url}/_admin/mail`, { method: 'DELETE' });
    await setFaults({ lose_answer_next: [how], ignore_idempotency_key: true });
    const subject = `Lost answer ${how}`;
    const run = await runToEnd(erin(), sendLine(subject));

    expect(run.status).toBe('completed');
    const sent = (await mail()).filter((m) => m.subject === subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.idempotencyKey).toBe(emailIdempotencyKey(run.tool_calls[0].id));
    // The first-sent time is the ledger's claim of the call: an IMF-fixdate no later than now.
    expect(sent[0]?.firstSent).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(sent[0]!.firstSent!)).toBeLessThanOrEqual(Date.now());
    expect((await sinkStats()).requests).toBe(1);
    // The model hears that the outcome is unknown, not that it failed or that it should try again.
    expect(run.tool_calls[0]).toMatchObject({ name: 'send_email', status: 'failed' });
    expect(JSON.parse(run.tool_calls[0].output)).toMatchObject({ outcome: 'unknown_outcome', error: expect.stringContaining('may or may not have been sent') });
  });

  it('caps send_email per run and per user per hour', async () => {
    await setFaults({});
    await fetch(`${stack().mail.url}/_admin/mail`, { method: 'DELETE' });
    // Three calls in one run: the third is over the per-run cap (2).
    const first = await runToEnd(frank(), [sendLine('Cap 1'), sendLine('Cap 2'), sendLine('Cap 3')].join('\n'));
    expect(first.status).toBe('completed');
    const outputs = first.tool_calls.map((c: { output: string }) => JSON.parse(c.output));
    expect(outputs.filter((o: { ok?: boolean }) => o.ok)).toHaveLength(2);
    expect(outputs.find((o: { error?: string }) => o.error)?.error).toMatch(/most emails allowed \(2\)/);
    // A new run: one more fits the user's hour (3), the next does not.
    const second = await runToEnd(frank(), [sendLine('Cap 4'), sendLine('Cap 5')].join('\n'));
    const later = second.tool_calls.map((c: { output: string }) => JSON.parse(c.output));
    expect(later.filter((o: { ok?: boolean }) => o.ok)).toHaveLength(1);
    expect(later.find((o: { error?: string }) => o.error)?.error).toMatch(/hourly email limit/);
    expect((await mail()).filter((m) => m.subject.startsWith('Cap '))).toHaveLength(3);
    // Another user is not affected.
    const other = await runToEnd(erin(), sendLine('Cap other user'));
    expect(JSON.parse(other.tool_calls[0].output)).toMatchObject({ ok: true });
  });

  it('a call whose arguments exceed what the ledger records is refused, and the run still completes', async () => {
    await setFaults({});
    const content = 'x'.repeat(MAX_TOOL_ARGUMENTS_CHARS + 1_000);
    const run = await runToEnd(erin(), `/call send_email ${JSON.stringify({ to: 'ops@example.com', subject: 'Too big', content })}`);
    expect(run.status).toBe('completed');
    expect(run.tool_calls[0]).toMatchObject({ name: 'send_email', status: 'failed' });
    expect(JSON.parse(run.tool_calls[0].output).error).toContain('too large');
    expect((await mail()).filter((m) => m.subject === 'Too big')).toHaveLength(0);
  });
});
