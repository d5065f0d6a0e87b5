// At-least-once delivery with exactly-once effects when workers die, and poison handling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/ledger';
import { createRunQueue } from '../../../src/store/run-queue';
import { createStorageClients } from '../../../src/store/storage-clients';
import { apiClient, eventually, startStack, type Stack } from '../../support/stack';
import { killHostOnMail } from '../../support/kill-on-mail';
import { isTerminal } from '../../../src/runs/run-facts';

let stack: Stack;
const killer = killHostOnMail(() => stack);
const alice = () => apiClient(() => stack.api, 'alice');

beforeAll(async () => {
  stack = await startStack({
    env: { TOOL_TIMEOUT: '2s', RUN_FOLLOW_BUDGET: '1s' },
    // Fail fast into the poison queue: two attempts, one second apart.
    queues: { maxDequeueCount: 2, visibilityTimeout: '00:00:01' },
    onMail: killer.onMail,
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function finished(threadId: string, runId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const run = await alice().get(`/threads/${threadId}/runs/${runId}`);
    return isTerminal(run.body?.status) ? run.body! : undefined;
  }, { timeoutMs, intervalMs: 500 });
}

describe('worker failures', () => {
  it('a worker killed after sending the email still ends with one email and a completed run', async () => {
    const threadId = (await alice().post('/threads', {})).body!.id as string;
    killer.arm();
    const accepted = await alice().post(`/threads/${threadId}/messages`, {
      content: `/call send_email ${JSON.stringify({ to: 'dave@example.com', subject: 'Exactly once', content: '<p>hi</p>' })}`,
    });
    const runId = accepted.body!.run.id as string;
    await stack.host.exited;
    await stack.restartHost();

    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');
    const mails = ((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: Array<{ subject: string }> }).items;
    expect(mails.filter((m) => m.subject === 'Exactly once')).toHaveLength(1);
    // The model is told the outcome is unknown rather than the email being sent twice.
    expect(run.tool_calls[0].output).toContain('outcome_unknown');
  });

  it('a run that outlives the follow budget is finished by polling, its generated files recorded', async () => {
    const threadId = (await alice().post('/threads', {})).body!.id as string;
    // A 1x1 PNG.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await stack.script(threadId, [{ message: 'Your chart', image_png_base64: png, delay_ms: 3_000 }]);
    const runId = (await alice().post(`/threads/${threadId}/messages`, { content: 'Chart it' })).body!.run.id as string;
    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');

    const messages = (await alice().get(`/threads/${threadId}/messages?run_id=${runId}`)).body!;
    const image = messages.data[0].content.find((part: { type: string }) => part.type === 'image_file');
    const download = await fetch(image.image_file.url, { headers: { 'x-user-id': 'alice' } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).toString('base64')).toBe(png);
  });

  it('a message that keeps failing lands on the poison queue and marks its run failed', async () => {
    const threadId = (await alice().post('/threads', {})).body!.id as string;
    const clients = createStorageClients({ AzureWebJobsStorage: stack.azurite.connectionString });
    const ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, clients);
    // A run recorded without an assistant: every delivery fails in a way the worker cannot place (a bug).
    const runId = 'run_poisoned0000000000000001';
    await ledger.setActiveRun(threadId, runId);
    await ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'default', status: 'queued', createdAt: Date.now() });
    await createRunQueue({ RUN_QUEUE_NAME: 'runs' }, clients).send({ threadId, runId, generation: 0 });

    const run = await finished(threadId, runId);
    expect(run.status).toBe('failed');
    expect(run.last_error).toMatchObject({ code: 'processing_failed' });
    expect(run.last_error.message).toMatch(/try again/i);
    // The thread is usable again.
    expect((await alice().post(`/threads/${threadId}/messages`, { content: 'hello again' })).status).toBe(202);
  });

  it('a run whose upstream run is gone fails at once with the reason, without going through poison', async () => {
    const threadId = (await alice().post('/threads', {})).body!.id as string;
    const clients = createStorageClients({ AzureWebJobsStorage: stack.azurite.connectionString });
    const ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, clients);
    // The upstream answers 404: no retry can make it exist.
    const runId = 'run_gone00000000000000000001';
    await ledger.setActiveRun(threadId, runId);
    await ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'default', assistantId: 'asst_missing', upstreamRunId: 'run_missing', status: 'in_progress', createdAt: Date.now() });
    await createRunQueue({ RUN_QUEUE_NAME: 'runs' }, clients).send({ threadId, runId, generation: 0 });

    const run = await finished(threadId, runId);
    expect(run.status).toBe('failed');
    expect(run.last_error).toMatchObject({ code: 'not_found' });
    const poisoned = await createRunQueue({ RUN_QUEUE_NAME: 'runs' }, clients, { queueName: 'runs-poison' }).peekAll();
    expect(poisoned.filter((m) => m.runId === runId)).toEqual([]);
  });
});
