// The sweep as deployed: the admin-only maintenance route and the timer trigger, in the local host.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { createLedger } from '../../../src/store/ledger';
import { createStorageClients } from '../../../src/store/storage-clients';
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
      // Fires every 3 seconds; the lease keeps firings from overlapping with the route's sweeps.
      SWEEP_SCHEDULE: '*/3 * * * * *',
    },
  });


/** Where the thread lives upstream, read before the sweep: the thread itself, or the conversation its ledger row binds. */
const upstreamOfThread: Record<UpstreamProtocol, (stack: Stack, threadId: string) => Promise<string>> = {
  assistants: async (_stack, threadId) => `/v1/threads/${threadId}`,
  responses: async (stack, threadId) => {
    const config = loadConfig({ AzureWebJobsStorage: stack.env.AzureWebJobsStorage });
    const thread = await createLedger(config, createStorageClients(config)).getThread(threadId);
    expect(thread?.conversationId).toMatch(/^conv_/);
    return `/v1/conversations/${thread?.conversationId}`;
  },
};

const sweep = (query: string, key?: string) =>
  fetch(`${stack().api}/maintenance/sweep${query}`, { method: 'POST', headers: key ? { 'x-functions-key': key } : {} });

describe('sweep functions', () => {
  it('the maintenance route needs the admin key', async () => {
    expect((await sweep('?dry_run=true')).status).toBe(401);
    expect((await sweep('?dry_run=true', FUNCTION_KEY)).status).toBe(401);
    const response = await sweep('?dry_run=true', MASTER_KEY);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { dry_run: boolean; kinds: Record<string, unknown> };
    expect(report.dry_run).toBe(true);
    expect(Object.keys(report.kinds)).toEqual(kindsFor(PROTOCOL));
  });

  it('deletes a stale thread upstream and in the ledger', async () => {
    const alice = apiClient(() => stack().api, 'alice');
    const keyed = { 'x-functions-key': FUNCTION_KEY };
    const created = await alice.post('/threads', {}, keyed);
    expect(created.status).toBe(201);
    const threadId = created.body!.id as string;
    const upstreamPath = await upstreamOfThread[PROTOCOL](stack(), threadId);
    const headers = { authorization: 'Bearer x', 'OpenAI-Beta': 'assistants=v2' };
    expect((await fetch(`${stack().assistants.url}${upstreamPath}`, { headers })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past THREAD_TTL

    const report = await eventually(async () => {
      const response = await sweep('', MASTER_KEY);
      const body = (await response.json()) as { lease_acquired: boolean; kinds: { threads: { deleted: number } } };
      // The timer may hold the lease (and may itself delete the thread).
      return body.lease_acquired ? body : undefined;
    });
    expect(report.lease_acquired).toBe(true);
    expect((await alice.get(`/threads/${threadId}`, keyed)).status).toBe(404);
    expect((await fetch(`${stack().assistants.url}${upstreamPath}`, { headers })).status).toBe(404);
  });

  it('the timer trigger runs the sweep on its schedule', async () => {
    // A line the timer function itself logged (the host prefixes each line with the function's name).
    const fromTimer = /\[sweeper\] \[[^\]]+\] .*sweep finished/;
    await eventually(async () => (fromTimer.test(stack().host.logs()) ? true : undefined), { timeoutMs: 30_000 });
  });
});
