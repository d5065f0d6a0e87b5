// A new message takes over a dead run (issue #15): when the thread's active run has made no progress for longer than
// its expiry plus the stall margin and nobody holds its follow lease, POST .../messages ends it `failed`
// (`run_superseded`), closes its claimed tool calls as unknown, cancels it upstream and starts the new run, instead of
// answering 409 run_active. Both reconcilers are scheduled out of reach here, so only the takeover can free the thread.
import { beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, METADATA_KEYS } from '../../../src/runs/run-facts';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { createStorageClients } from '../../../src/store/storage-clients';
import { apiClient, eventually, useStack } from '../../support/stack';

const NEVER = '0 0 0 1 1 *';
const stack = useStack({
  env: {
    RECONCILE_SCHEDULE: NEVER,
    LEASE_RECONCILE_SCHEDULE: NEVER,
    RUN_STALL_TIMEOUT: '2s',
    // The waiting run's own re-check (at most a minute away) must not wake it during a test.
    RUN_RECHECK_INTERVAL: '10m',
  },
});
const alice = () => apiClient(() => stack().api, 'alice');
let ledger: Ledger;

beforeAll(() => {
  ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, createStorageClients({ AzureWebJobsStorage: stack().env.AzureWebJobsStorage }));
});

const call = (name: string, args: unknown) => `/call ${name} ${JSON.stringify(args)}`;

/** A run waiting on a client tool (a real upstream run), with a server tool call its dead worker left claimed. */
async function waitingRun(): Promise<{ threadId: string; runId: string }> {
  const threadId = (await alice().post('/threads', {})).body!.id as string;
  const runId = (await alice().post(`/threads/${threadId}/messages`, { content: `Where am I?\n${call('get_user_location', {})}` })).body!.run.id as string;
  await eventually(async () => ((await alice().get(`/threads/${threadId}/runs/${runId}`)).body?.status === 'requires_action' ? true : undefined), { timeoutMs: 30_000 });
  // Its worker then re-queues it for a later re-check, writing the next generation's lease (ahead) with it: the
  // row is aged only after that write, or the write would make the run look alive again.
  await eventually(async () => (((await ledger.getRun(threadId, runId))?.followGeneration ?? 0) > 0 ? true : undefined), { timeoutMs: 30_000 });
  return { threadId, runId };
}

/** What a run looks like once its follower died long ago: past its expiry, its row and lease an hour old. */
async function killRun(threadId: string, runId: string): Promise<void> {
  const longAgo = Date.now() - 3_600_000;
  await ledger.claimToolCall({ runId, toolCallId: 'call_left_claimed', threadId, name: 'send_email', arguments: '{}', claimedAt: longAgo });
  await ledger.updateRun(threadId, runId, { expiresAt: longAgo + 60_000, followLeaseUntil: longAgo, at: longAgo });
}

async function finished(threadId: string, runId: string) {
  return eventually(async () => {
    const run = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body;
    return isTerminal(run?.status) ? run! : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 });
}

describe('a new message takes over a dead run', { timeout: 90_000 }, () => {
  it('ends the dead run failed (run_superseded) with its claimed call unknown, and runs the new message', async () => {
    const { threadId, runId } = await waitingRun();
    await killRun(threadId, runId);

    const posted = await alice().post(`/threads/${threadId}/messages`, { content: 'After the takeover' });
    expect(posted.status).toBe(202);

    const old = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
    expect(old.status).toBe('failed');
    expect(old.last_error).toMatchObject({ code: 'run_superseded' });
    expect((await ledger.getToolCall(runId, 'call_left_claimed'))?.status).toBe('unknown_outcome');
    // The new run goes through upstream (on Assistants only once the dead upstream run was cancelled).
    const next = await finished(threadId, posted.body!.run.id as string);
    expect(next.status).toBe('completed');
    const messages = (await alice().get(`/threads/${threadId}/messages?run_id=${next.id}`)).body!.data as Array<{ role: string }>;
    expect(messages.some((m) => m.role === 'assistant')).toBe(true);
  });

  it('of two messages racing for a dead run, exactly one takes the thread', async () => {
    const { threadId, runId } = await waitingRun();
    await killRun(threadId, runId);

    const answers = await Promise.all(['first', 'second'].map((content) => alice().post(`/threads/${threadId}/messages`, { content })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect((await alice().get(`/threads/${threadId}/runs/${runId}`)).body!.last_error).toMatchObject({ code: 'run_superseded' });
    const winner = answers.find((a) => a.status === 202)!;
    expect((await finished(threadId, winner.body!.run.id as string)).status).toBe('completed');
  });

  it('a retried POST whose first try died after posting the user message resumes that start: one message, one run', async () => {
    const threadId = (await alice().post('/threads', {})).body!.id as string;
    // The first try: thread claimed by a run it never recorded, its user message already upstream.
    const deadStart = 'run_0000000000000000deadbeef';
    await ledger.setActiveRun(threadId, deadStart, { at: Date.now() - 60_000 });
    const path = await stack().upstreamThreadPath(threadId);
    const text = 'Posted once, answered once';
    const body = path.startsWith('/v1/threads/')
      ? { role: 'user', content: text, metadata: { [METADATA_KEYS.runId]: deadStart } }
      : { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }] };
    const added = await fetch(`${stack().assistants.url}${path}/${path.startsWith('/v1/threads/') ? 'messages' : 'items'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer local', 'openai-beta': 'assistants=v2' },
      body: JSON.stringify(body),
    });
    expect(added.ok).toBe(true);

    const retried = await alice().post(`/threads/${threadId}/messages`, { content: text });
    expect(retried.status).toBe(202);
    expect(retried.body!.run.id).toBe(deadStart);
    expect((await finished(threadId, deadStart)).status).toBe('completed');
    const messages = (await alice().get(`/threads/${threadId}/messages?limit=100`)).body!.data as Array<{ role: string; content: Array<{ text?: { value: string } }> }>;
    expect(messages.filter((m) => m.role === 'user' && m.content.some((part) => part.text?.value === text))).toHaveLength(1);
  });

  it('a run that is only waiting (its follower alive) still answers 409 run_active', async () => {
    const { threadId, runId } = await waitingRun();
    const posted = await alice().post(`/threads/${threadId}/messages`, { content: 'too soon' });
    expect(posted.status).toBe(409);
    expect(posted.body!.error.code).toBe('run_active');
    expect((await alice().get(`/threads/${threadId}/runs/${runId}`)).body!.status).toBe('requires_action');
  });
});
