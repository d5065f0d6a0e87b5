// Recovery in seconds (issue #15): with Azure's 10-minute queue lease and a stall timeout out of reach, a run whose
// host died is re-queued by the lease reconciler once its follow lease lapses (src/runs/follow-lease.ts,
// reconcileLapsedLeases). A follower that outlives half a lease renews it, so it is not re-queued under itself; a
// short run never renews (no extra storage write).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../../src/runs/run-facts';
import type { Ledger, RunRecord } from '../../../src/store/ledger';
import type { QueueOutage } from '../../support/queue-outage';
import { startStackWithQueueOutage, type OutageStack } from '../../support/outage-stack';
import { apiClient, eventually, type Stack } from '../../support/stack';
import { killHostOnMail } from '../../support/kill-on-mail';

const LEASE_MS = 4_000;
const TOOL_TIMEOUT_MS = 10_000;
let stack: Stack;
let outage: QueueOutage;
let ledger: Ledger;
let world: OutageStack;
const killer = killHostOnMail(() => stack);
const alice = () => apiClient(() => stack.api, 'alice');
const mailFaults = (body: unknown) => fetch(`${stack.mail.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  world = await startStackWithQueueOutage({
    env: {
      // Azure's queue lease; the stall fallback once an hour: only the lease can recover a run within the test.
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '600',
      RECONCILE_SCHEDULE: '0 0 * * * *',
      RUN_STALL_TIMEOUT: '1h',
      LEASE_RECONCILE_SCHEDULE: '* * * * * *',
      RUN_FOLLOW_LEASE: `${LEASE_MS}ms`,
      TOOL_TIMEOUT: `${TOOL_TIMEOUT_MS}ms`,
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

async function finished(threadId: string, runId: string): Promise<RunRecord> {
  return eventually(async () => {
    const run = await ledger.getRun(threadId, runId);
    return run && isTerminal(run.status) ? run : undefined;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

const email = (subject: string) => `/call send_email ${JSON.stringify({ to: 'erin@example.com', subject, content: '<p>once</p>' })}`;
const mailsWith = async (subject: string) =>
  ((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: Array<{ subject: string }> }).items.filter((m) => m.subject === subject);

describe('follow lease', { timeout: 120_000 }, () => {
  it('a host killed during send_email (queue lease 10 minutes, no stall pass) is re-queued once its lease lapses and completes with one email', async () => {
    const threadId = await newThread();
    killer.arm();
    const runId = (await alice().post(`/threads/${threadId}/messages`, { content: email('Lapsed') })).body!.run.id as string;
    await stack.host.exited;
    const restartedAt = Date.now();
    await stack.restartHost();

    const run = await finished(threadId, runId);
    expect(run.status).toBe('completed');
    expect(run.followGeneration).toBeGreaterThan(0);
    console.log(`recovered a run killed mid-tool ${Date.now() - restartedAt} ms after the restart (lease ${LEASE_MS} ms, tool reclaim ${2 * TOOL_TIMEOUT_MS} ms)`);
    expect(await mailsWith('Lapsed')).toHaveLength(1);
  });

  it('a run recorded but never queued (queue down, host killed during the send) is sent once its lease lapses', async () => {
    const threadId = await newThread();
    outage.down();
    const posting = alice().post(`/threads/${threadId}/messages`, { content: 'Outbox by lease' }).catch(() => undefined);
    const recorded = await eventually(async () => (await ledger.listRuns(threadId)).runs[0], { timeoutMs: 20_000, intervalMs: 50 });
    expect(recorded.followLeaseUntil).toBeDefined();
    stack.host.kill('SIGKILL');
    await stack.host.exited;
    await posting;
    outage.up();
    await stack.restartHost();

    expect((await finished(threadId, recorded.runId)).status).toBe('completed');
  });

  it('a follower busy longer than its lease (a slow tool) renews it and is not re-queued; a short run never renews', async () => {
    await mailFaults({ latency_ms: [1.5 * LEASE_MS, 1.5 * LEASE_MS] });
    try {
      const threadId = await newThread();
      const runId = (await alice().post(`/threads/${threadId}/messages`, { content: email('Slow but alive') })).body!.run.id as string;
      const run = await finished(threadId, runId);
      expect(run.status).toBe('completed');
      // Nobody took the run over while its tool ran (a takeover is a new generation), and the lease moved on.
      expect(run.followGeneration ?? 0).toBe(0);
      expect(run.followLeaseUntil! - run.createdAt).toBeGreaterThan(LEASE_MS);
      expect(await mailsWith('Slow but alive')).toHaveLength(1);
    } finally {
      await mailFaults({});
    }
    const threadId = await newThread();
    const runId = (await alice().post(`/threads/${threadId}/messages`, { content: 'quick' })).body!.run.id as string;
    const quick = await finished(threadId, runId);
    // The lease written with the run row, never renewed: a short run pays no extra write.
    expect(quick.followLeaseUntil).toBe(quick.createdAt + LEASE_MS);
  });
});
