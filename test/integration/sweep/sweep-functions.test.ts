// The sweep as deployed: the admin-only maintenance routes (POST answers 202 and the sweep worker sweeps; GET
// polls), the sweep queue's poison handler and the timer trigger, in the local host.
import { QueueClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { createStorageClients } from '../../../src/store/storage-clients';
import { encodeSweepQueueMessage } from '../../../src/store/sweep-queue';
import { kindsFor } from '../../../src/sweep';
import type { UpstreamProtocol } from '../../../src/upstream/port';
import { apiClient, eventually, useStack, type Stack } from '../../support/stack';
import { PROTOCOL } from './stack';

const MASTER_KEY = 'test-master-key';
const FUNCTION_KEY = 'test-function-key';
const stack = useStack({
  env: {
    FUNCTIONS_MASTER_KEY: MASTER_KEY,
    FUNCTIONS_DEFAULT_KEY: FUNCTION_KEY,
    UPSTREAM_PROTOCOL: PROTOCOL,
    THREAD_TTL: '1s',
    // Fires every 3 seconds; the lease keeps firings from overlapping with requested sweeps (which then end skipped).
    SWEEP_SCHEDULE: '*/3 * * * * *',
  },
});

const ledger = (): Ledger => {
  const config = loadConfig({ AzureWebJobsStorage: stack().env.AzureWebJobsStorage });
  return createLedger(config, createStorageClients(config));
};

/** Where the thread lives upstream, read before the sweep: the thread itself, or the conversation its ledger row binds. */
const upstreamOfThread: Record<UpstreamProtocol, (stack: Stack, threadId: string) => Promise<string>> = {
  assistants: async (_stack, threadId) => `/v1/threads/${threadId}`,
  responses: async (_stack, threadId) => {
    const thread = await ledger().getThread(threadId);
    expect(thread?.conversationId).toMatch(/^conv_/);
    return `/v1/conversations/${thread?.conversationId}`;
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read freely
type Json = Record<string, any>;
const call = async (method: string, path: string, key?: string): Promise<{ status: number; location: string | null; body: Json }> => {
  const response = await fetch(`${stack().api}${path}`, { method, headers: key ? { 'x-functions-key': key } : {} });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Json };
};
const requestSweep = (query = '') => call('POST', `/maintenance/sweep${query}`, MASTER_KEY);
const TERMINAL = ['succeeded', 'failed', 'skipped'];

/** Polls the sweep's Location until it ended. */
async function ended(location: string): Promise<Json> {
  return eventually(async () => {
    const response = await fetch(location, { headers: { 'x-functions-key': MASTER_KEY } });
    const body = (await response.json()) as Json;
    return TERMINAL.includes(body.status) ? body : undefined;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

/** Requests sweeps until one ran (the timer may hold the lease, and a sweep then ends skipped). */
async function sweepThatRan(query = ''): Promise<Json> {
  return eventually(async () => {
    const accepted = await requestSweep(query);
    const sweep = await ended(accepted.location!);
    return sweep.status === 'succeeded' ? sweep : undefined;
  }, { timeoutMs: 90_000, intervalMs: 0 });
}

describe('sweep functions', { timeout: 120_000 }, () => {
  it('the maintenance routes need the admin key', async () => {
    for (const key of [undefined, FUNCTION_KEY]) {
      expect((await call('POST', '/maintenance/sweep?dry_run=true', key)).status).toBe(401);
      expect((await call('GET', '/maintenance/sweeps/sweep_0123456789abcdef0123456789abcdef', key)).status).toBe(401);
    }
  });

  it('the conversation routes take no function key while the host enforces keys: the app identifies the caller', async () => {
    // Anonymous at the host (Easy Auth cannot satisfy a function key); the identity is the app's check.
    const listed = await fetch(`${stack().api}/threads`, { headers: { 'x-user-id': 'alice' } });
    expect(listed.status).toBe(200);
    const anonymous = await fetch(`${stack().api}/threads`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-request-id')).toBeTruthy(); // the app's 401, not the host's
    expect(await anonymous.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('answers 202 with the queued sweep and its Location, which answers succeeded with the report once the worker swept', async () => {
    const before = Date.now();
    const accepted = await requestSweep('?dry_run=true');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ id: expect.stringMatching(/^sweep_[0-9a-f]{32}$/), object: 'maintenance.sweep', dry_run: true, report: null, reason: null });
    // Queued, or already taken up when it joined a sweep under way.
    expect(['queued', 'running']).toContain(accepted.body.status);
    expect(Date.parse(accepted.body.requested_at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(accepted.location).toBe(`${stack().api}/maintenance/sweeps/${accepted.body.id}`);

    const sweep = await ended(accepted.location!);
    expect(sweep).toMatchObject({ id: accepted.body.id, dry_run: true, started_at: expect.any(String), finished_at: expect.any(String) });
    expect(['succeeded', 'skipped']).toContain(sweep.status);
    // The timer may have held the lease (skipped, see below); then a later request runs.
    const ran = sweep.status === 'succeeded' ? sweep : await sweepThatRan('?dry_run=true');
    expect(ran.reason).toBeNull();
    expect(ran.report).toMatchObject({ dry_run: true, lease_acquired: true, started_at: expect.any(String), finished_at: expect.any(String), errors: [] });
    expect(Object.keys(ran.report.kinds)).toEqual(kindsFor(PROTOCOL));
  });

  it('answers 404 for an unknown or malformed sweep id', async () => {
    for (const id of ['sweep_0123456789abcdef0123456789abcdef', 'not-a-sweep']) {
      const response = await call('GET', `/maintenance/sweeps/${id}`, MASTER_KEY);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('a sweep requested while another holds the lease ends skipped, with the reason', async () => {
    const holder = `test-holder-${Date.now()}`;
    await eventually(async () => ((await ledger().acquireLease('sweep', holder, 120_000)) ? true : undefined), { timeoutMs: 30_000 });
    try {
      const accepted = await requestSweep();
      const sweep = await ended(accepted.location!);
      expect(sweep).toMatchObject({ status: 'skipped', reason: { code: 'sweep_lease_held', message: expect.any(String) }, report: { lease_acquired: false } });
    } finally {
      await ledger().releaseLease('sweep', holder);
    }
  });

  it('a sweep message on the poison queue marks its sweep failed', async () => {
    const sweepId = 'sweep_feedfacefeedfacefeedfacefeedface';
    const now = Date.now();
    await ledger().recordSweepRequest({ sweepId, status: 'running', dryRun: false, requestedAt: now, updatedAt: now, claim: 'gone', claimedAt: now, attempts: 5, sends: 1 });
    const poison = new QueueClient(stack().env.AzureWebJobsStorage!, 'sweeps-poison');
    await poison.createIfNotExists();
    await poison.sendMessage(encodeSweepQueueMessage({ sweepId }));
    const sweep = await ended(`${stack().api}/maintenance/sweeps/${sweepId}`);
    expect(sweep).toMatchObject({ status: 'failed', reason: { code: 'sweep_poisoned' }, report: null });
  });

  it('deletes a stale thread upstream and in the ledger', async () => {
    const alice = apiClient(() => stack().api, 'alice');
    const created = await alice.post('/threads', {});
    expect(created.status).toBe(201);
    const threadId = created.body!.id as string;
    const upstreamPath = await upstreamOfThread[PROTOCOL](stack(), threadId);
    const headers = { authorization: 'Bearer x', 'OpenAI-Beta': 'assistants=v2' };
    expect((await fetch(`${stack().assistants.url}${upstreamPath}`, { headers })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past THREAD_TTL

    // The timer may delete the thread first; either way a requested sweep runs to the end after it.
    const sweep = await sweepThatRan();
    expect(sweep.report).toMatchObject({ dry_run: false, lease_acquired: true });
    expect((await alice.get(`/threads/${threadId}`)).status).toBe(404);
    expect((await fetch(`${stack().assistants.url}${upstreamPath}`, { headers })).status).toBe(404);
  });

  it('the timer trigger runs the sweep on its schedule', async () => {
    // A line the timer function itself logged (the host prefixes each line with the function's name).
    const fromTimer = /\[sweeper\] \[[^\]]+\] .*sweep finished/;
    await eventually(async () => (fromTimer.test(stack().host.logs()) ? true : undefined), { timeoutMs: 30_000 });
  });
});
