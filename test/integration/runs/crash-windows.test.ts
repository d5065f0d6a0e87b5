// Every run reaches an end when the process moving it dies (issue #15): the crash windows of a run, produced on
// the real stack by stopping the queue service and SIGKILLing the Functions host, then recovered by the
// reconciler (src/runs/reconcile.ts). The host keeps Azure's 10-minute queue lease, so nothing here waits for a
// killed host's message to come back: recovery is the reconciler's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../../src/runs/run-facts';
import type { Ledger, RunRecord } from '../../../src/store/ledger';
import type { QueueOutage } from '../../support/queue-outage';
import { startStackWithQueueOutage, type OutageStack } from '../../support/outage-stack';
import { apiClient, eventually, type Stack } from '../../support/stack';
import { killHostOnMail } from '../../support/kill-on-mail';

let stack: Stack;
let outage: QueueOutage;
/** The ledger read past the queue switch, straight from Azurite. */
let ledger: Ledger;
let world: OutageStack;
const killer = killHostOnMail(() => stack);
const alice = () => apiClient(() => stack.api, 'alice');

beforeAll(async () => {
  world = await startStackWithQueueOutage({
    env: {
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '600',
      RECONCILE_SCHEDULE: '* * * * * *',
      RUN_STALL_TIMEOUT: '6s',
      RUN_FOLLOW_BUDGET: '1s',
      TOOL_TIMEOUT: '4s',
    },
    onMail: killer.onMail,
  });
  ({ stack, outage, ledger } = world);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function newThread(): Promise<string> {
  return (await alice().post('/threads', {})).body!.id as string;
}

/** The thread's run as the ledger has it, once one is recorded. */
async function recordedRun(threadId: string, where: (run: RunRecord) => boolean = () => true): Promise<RunRecord> {
  return eventually(async () => (await ledger.listRuns(threadId)).runs.find(where), { timeoutMs: 20_000, intervalMs: 50 });
}

async function finished(threadId: string, runId: string) {
  return eventually(async () => {
    const run = await alice().get(`/threads/${threadId}/runs/${runId}`);
    return isTerminal(run.body?.status) ? run.body! : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
}

async function killAndRestart(): Promise<number> {
  stack.host.kill('SIGKILL');
  await stack.host.exited;
  await stack.restartHost();
  return Date.now();
}

describe('crash windows', { timeout: 90_000 }, () => {
  it('a run recorded but never queued (queue down, host killed during the send) still completes', async () => {
    const threadId = await newThread();
    outage.down();
    // The request hangs in queue.send's retries; the host dies there.
    const posting = alice().post(`/threads/${threadId}/messages`, { content: 'Outbox please' }).catch(() => undefined);
    const recorded = await recordedRun(threadId);
    expect(recorded.status).toBe('queued');
    stack.host.kill('SIGKILL');
    await stack.host.exited;
    await posting;
    outage.up();
    await stack.restartHost();
    const restartedAt = Date.now();

    const run = await finished(threadId, recorded.runId);
    expect(run.status).toBe('completed');
    console.log(`recovered a never-queued run ${Date.now() - restartedAt} ms after the restart`);
    const reply = (await alice().get(`/threads/${threadId}/messages?run_id=${recorded.runId}`)).body!;
    expect(JSON.stringify(reply.data)).toContain('Echo: Outbox please');
    // The thread is free for the next message.
    expect((await alice().post(`/threads/${threadId}/messages`, { content: 'next' })).status).toBe(202);
  });

  it('a host killed during send_email, with the queue lease at 10 minutes, completes with one email', async () => {
    await fetch(`${stack.mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await newThread();
    killer.arm();
    const accepted = await alice().post(`/threads/${threadId}/messages`, {
      content: `/call send_email ${JSON.stringify({ to: 'erin@example.com', subject: 'Lease', content: '<p>once</p>' })}`,
    });
    const runId = accepted.body!.run.id as string;
    await stack.host.exited;
    const restartedAt = Date.now();
    await stack.restartHost();

    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');
    console.log(`recovered a run killed mid-tool ${Date.now() - restartedAt} ms after the restart (queue lease 600 s)`);
    const mails = ((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: Array<{ subject: string }> }).items;
    expect(mails.filter((m) => m.subject === 'Lease')).toHaveLength(1);
    expect(run.tool_calls[0].output).toContain('outcome_unknown');
  });

  it('a direct answer whose host died mid-answer ends failed, and its thread takes the next message', async () => {
    const threadId = await newThread();
    // The router picks `other`; the answer takes long enough to kill the host during it.
    await fetch(`${stack.assistants.url}/_admin/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // The router's model calls: chat completions on Assistants, unstored responses (global turns) on Responses.
      body: JSON.stringify(
        stack.protocol === 'assistants'
          ? { chat: [{ content: 'other' }, { content: 'Too late.', delay_ms: 5_000 }] }
          : { turns: [{ message: 'other' }, { message: 'Too late.', delay_ms: 5_000 }] },
      ),
    });
    const posting = alice().post(`/threads/${threadId}/messages`, { content: 'Hello there', assistant: 'auto' }).catch(() => undefined);
    const recorded = await recordedRun(threadId, (run) => run.routedTo === 'other');
    expect(recorded.status).toBe('in_progress');
    await killAndRestart();
    await posting;

    const run = await finished(threadId, recorded.runId);
    expect(run.status).toBe('failed');
    expect(run.last_error).toMatchObject({ code: 'run_interrupted' });
    expect((await alice().post(`/threads/${threadId}/messages`, { content: 'again' })).status).toBe(202);
  });

  it('a cancel while send_email runs aborts it: the run ends cancelled with the tool recorded as abandoned', async () => {
    const faults = (body: unknown) => fetch(`${stack.mail.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await faults({ latency_ms: [3_000, 3_000] });
    try {
      const threadId = await newThread();
      const accepted = await alice().post(`/threads/${threadId}/messages`, {
        content: `/call send_email ${JSON.stringify({ to: 'frank@example.com', subject: 'Slow', content: '<p>slow</p>' })}`,
      });
      const runId = accepted.body!.run.id as string;
      // The tool is under way (claimed), the Logic App still answering.
      await eventually(async () => ((await ledger.listToolCalls(runId)).some((c) => c.status === 'claimed') ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
      expect((await alice().post(`/threads/${threadId}/runs/${runId}/cancel`)).status).toBe(202);

      expect((await finished(threadId, runId)).status).toBe('cancelled');
      // The aborted tool records its own outcome (a moment after the status, by the worker that ran it).
      const run = await eventually(async () => {
        const current = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
        return current.tool_calls[0]?.output ? current : undefined;
      });
      expect(run.tool_calls[0].output).toContain('was cancelled');
    } finally {
      await faults({});
    }
  });
});
