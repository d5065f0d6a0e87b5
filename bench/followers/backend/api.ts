// The backend as a frontend sees it: threads and runs through the HTTP API, the outcome read from the ledger.
// Protocol-neutral: what differs is only where a thread's turns are scripted (the upstream thread on
// Assistants, the thread's conversation on Responses) and which server stats name its runs (by_run / by_response).
import { apiClient, type Stack } from '../../../local/stack';
import { createLedger, type Ledger, type RunRecord } from '../../../src/store/ledger';
import { createStorageClients } from '../../../src/store/storage-clients';
import { mapPool, sleep } from '../../pool';
import { upstreamStatuses, type ScriptTarget, type ServerAdmin } from '../../server-admin';
import { QUESTION, type WorkloadRun } from '../../workload';
import { TERMINAL } from '../statuses';
import type { FollowerContext, Protocol } from '../types';

export const BENCH_USER = 'bench-user';

export function benchLedger(directConnectionString: string): Ledger {
  return createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, createStorageClients({ AzureWebJobsStorage: directConnectionString }));
}

export function backendApi(stack: Stack) {
  return apiClient(() => stack.api, BENCH_USER);
}

/**
 * Where the server queues the turns of an API thread's runs. Assistants: the API's thread id is the upstream
 * thread's. Responses: the thread is bound to a conversation, recorded in its ledger row (ThreadRecord.conversationId).
 */
export async function scriptTarget(ledger: Ledger, protocol: Protocol, threadId: string): Promise<ScriptTarget> {
  if (protocol === 'assistants') return { thread_id: threadId };
  const conversationId = (await ledger.getThread(threadId))?.conversationId;
  if (!conversationId) throw new Error(`thread ${threadId} has no conversationId in the ledger: is the app running with UPSTREAM_PROTOCOL=responses?`);
  return { conversation_id: conversationId };
}

/** One API thread per run, with the run's turns scripted on the server. */
export async function createScriptedThreads(ctx: FollowerContext, workload: readonly WorkloadRun[]): Promise<string[]> {
  const api = backendApi(ctx.stack);
  return mapPool(workload, 16, async (run) => {
    const created = await api.post('/threads', {});
    if (created.status !== 201) throw new Error(`POST /threads answered ${created.status}: ${JSON.stringify(created.body)}`);
    const threadId = created.body!.id as string;
    await ctx.admin.script(await scriptTarget(ctx.ledger, ctx.protocol, threadId), run.turns);
    return threadId;
  });
}

/** Every upstream run / response the server knows now (those of earlier phases are not waited for). */
export async function knownUpstreamIds(admin: ServerAdmin): Promise<Set<string>> {
  return new Set(upstreamStatuses(await admin.stats()).map(([id]) => id));
}

export interface StartedRun {
  threadId: string;
  runId: string;
  sentMs: number;
  /** From the first attempt to the accepted one. */
  latencyMs: number;
  /** 429/502/503 answers retried (after their Retry-After), as a frontend would. */
  retries: number;
}

const MAX_START_ATTEMPTS = 6;

/**
 * Starts one run as a frontend would: 429/503 are retried after their Retry-After. A 502 (the local host lost its
 * connection to the worker, which a loaded shared machine makes happen now and then) may or may not have started the
 * run: the thread's runs are looked up in the ledger first (each bench thread gets one run) and the start is sent
 * again only when none was recorded.
 */
export async function startRun(stack: Stack, ledger: Ledger, threadId: string): Promise<StartedRun> {
  const sentMs = Date.now();
  for (let attempt = 1; ; attempt++) {
    const accepted = await backendApi(stack).post(`/threads/${threadId}/messages`, { content: QUESTION });
    const done = (runId: string) => ({ threadId, runId, sentMs, latencyMs: Date.now() - sentMs, retries: attempt - 1 });
    if (accepted.status === 202) return done(accepted.body!.run.id as string);
    const retryable = accepted.status === 429 || accepted.status === 503 || accepted.status === 502;
    if (!retryable || attempt >= MAX_START_ATTEMPTS) throw new Error(`POST /threads/${threadId}/messages answered ${accepted.status} (attempt ${attempt}): ${JSON.stringify(accepted.body)}`);
    await sleep(Math.min(5, Number(accepted.headers.get('retry-after')) || 1) * 1000);
    if (accepted.status === 502) {
      const recorded = (await ledger.listRuns(threadId)).runs[0];
      if (recorded) return done(recorded.runId);
    }
  }
}

/**
 * Waits until every started run is terminal upstream (one stats call per round, so waiting costs the stack
 * little), then reads each run's ledger record once it is terminal there too. On Responses a run is a chain, so
 * "every fresh response ended" can hold between two responses of a chain; the ledger wait below covers the rest.
 */
export async function waitForLedger(
  ledger: Ledger,
  admin: ServerAdmin,
  runs: readonly StartedRun[],
  knownBefore: ReadonlySet<string>,
  deadlineMs: number,
  failed: () => Error | undefined = () => undefined,
): Promise<RunRecord[]> {
  for (;;) {
    const failure = failed();
    if (failure) throw failure;
    const stats = await admin.stats();
    const fresh = upstreamStatuses(stats).filter(([id]) => !knownBefore.has(id));
    if (fresh.length >= runs.length && fresh.every(([, run]) => TERMINAL.has(run.status))) break;
    if (Date.now() > deadlineMs) throw new Error(`backend runs unfinished at the deadline: ${fresh.filter(([, r]) => !TERMINAL.has(r.status)).length} upstream, ${runs.length - fresh.length} never started`);
    await sleep(500);
  }
  return mapPool(runs, 8, async ({ threadId, runId }) => {
    for (;;) {
      const record = await ledger.getRun(threadId, runId);
      if (record && TERMINAL.has(record.status)) return record;
      if (Date.now() > deadlineMs) throw new Error(`run ${runId} is ${record?.status ?? 'missing'} in the ledger at the deadline`);
      await sleep(200);
    }
  });
}

/** When the ledger recorded the run's last requires_action and its terminal status. */
export function ledgerMoments(record: RunRecord): { requiresActionSeenMs?: number; terminalSeenMs?: number } {
  const history = record.statusHistory;
  const last = (match: (status: string) => boolean) => [...history].reverse().find((change) => match(change.status))?.at;
  return { requiresActionSeenMs: last((s) => s === 'requires_action'), terminalSeenMs: last((s) => TERMINAL.has(s)) };
}
