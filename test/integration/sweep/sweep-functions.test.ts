// The sweep as deployed: the admin-only maintenance route and the timer trigger, in the local host.
import { describe, expect, it } from 'vitest';
import { apiClient, eventually, useStack } from '../../support/stack';

const MASTER_KEY = 'test-master-key';
const FUNCTION_KEY = 'test-function-key';
const stack = useStack({
    env: {
      FUNCTIONS_MASTER_KEY: MASTER_KEY,
      FUNCTIONS_DEFAULT_KEY: FUNCTION_KEY,
      THREAD_TTL: '1s',
      // Fires every 3 seconds; the lease keeps firings from overlapping with the route's sweeps.
      SWEEP_SCHEDULE: '*/3 * * * * *',
    },
  });


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
    expect(Object.keys(report.kinds).sort()).toEqual(['assistants', 'files', 'ledger', 'threads', 'vector_stores']);
  });

  it('deletes a stale thread upstream and in the ledger', async () => {
    const alice = apiClient(() => stack().api, 'alice');
    const keyed = { 'x-functions-key': FUNCTION_KEY };
    const created = await alice.post('/threads', {}, keyed);
    expect(created.status).toBe(201);
    const threadId = created.body!.id as string;
    // Its thread, or its conversation on Responses: looked up now, the sweep purges the ledger row.
    const upstreamPath = await stack().upstreamThreadPath(threadId);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past THREAD_TTL

    const report = await eventually(async () => {
      const response = await sweep('', MASTER_KEY);
      const body = (await response.json()) as { lease_acquired: boolean; kinds: { threads: { deleted: number } } };
      // The timer may hold the lease (and may itself delete the thread).
      return body.lease_acquired ? body : undefined;
    });
    expect(report.lease_acquired).toBe(true);
    expect((await alice.get(`/threads/${threadId}`, keyed)).status).toBe(404);
    const upstream = await fetch(`${stack().assistants.url}${upstreamPath}`, { headers: { authorization: 'Bearer x', 'OpenAI-Beta': 'assistants=v2' } });
    expect(upstream.status).toBe(404);
  });

  it('the timer trigger runs the sweep on its schedule', async () => {
    // A line the timer function itself logged (the host prefixes each line with the function's name).
    const fromTimer = /\[sweeper\] \[[^\]]+\] .*sweep finished/;
    await eventually(async () => (fromTimer.test(stack().host.logs()) ? true : undefined), { timeoutMs: 30_000 });
  });
});
