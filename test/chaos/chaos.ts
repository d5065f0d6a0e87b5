// The chaos run (issue #15): users post messages on their threads (plain replies, send_email, get_stock_price)
// through one or two Functions hosts competing for the same queues, while a seeded schedule SIGKILLs a host (some
// kills while the queue service is down, so the host dies inside `queue.send`'s retries), takes the queue service
// down, restarts Azurite with its data kept, and the local server and mail sink inject 429s, 500s, resets and latency. When the chaos stops, every
// run must reach a terminal status, no email may go out twice, and no thread may stay wedged. The accounting
// reads the ledger straight from Azurite and the mail sink's record, never the API under test.
import { createRng, type Rng } from '../fuzz/prng';
import type { Ledger } from '../../src/store/ledger';
import { isTerminal } from '../../src/runs/run-facts';
import type { RunningFunctionsHost } from '../../local/functions-host';
import type { Stack } from '../support/stack';
import { apiBaseOf } from '../../local/stack';

/** One Functions host of the chaos: the process now, and how to start it again after a kill. */
export interface ChaosHost {
  current(): RunningFunctionsHost;
  restart(): Promise<void>;
}

export interface ChaosWorld {
  stack: Stack;
  /** The hosts competing for the queues (the stack's own first); requests are spread over them. */
  hosts: ChaosHost[];
  ledger: Ledger;
  queueDown(): void;
  queueUp(): void;
  /** Stops Azurite and starts it again on the same ports with the same data. */
  restartAzurite(): Promise<void>;
}

export interface ChaosOptions {
  seed: number;
  runs: number;
  /** Threads worked on at once (one run at a time each). */
  threads: number;
  /** Host kills, queue outages and Azurite restarts, spread over the run. */
  kills: number;
  outages: number;
  azuriteRestarts: number;
  /** How long the stack gets, after the chaos stops, to bring every run to an end. */
  settleMs: number;
  /** Strings that must never appear in logs or outputs. */
  secrets: string[];
  log?: (line: string) => void;
}

export interface ChaosSummary {
  runs: number;
  terminal: number;
  lost: number;
  duplicate_emails: number;
  missing_emails: number;
  duplicate_user_messages: number;
  unhandled_errors: number;
  secret_leaks: number;
  orphans_after_sweep: number;
  worst_recovery_ms: number;
  kills: number;
  /** Kills while the queue service was down (the host died inside queue.send's retries). */
  kills_in_send: number;
  outages: number;
  azurite_restarts: number;
  /** Functions hosts competing for the queues. */
  hosts: number;
  statuses: Record<string, number>;
  seed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One user message: what it asks for, and the email subject when it sends one (unique, so duplicates show). */
function planMessage(rng: Rng, seed: number, k: number): { content: string; subject?: string } {
  const kind = rng.weighted([[3, 'echo'], [2, 'email'], [1, 'quote']] as const);
  if (kind === 'email') {
    const subject = `chaos-${seed}-${k}`;
    return { content: `/call send_email ${JSON.stringify({ to: 'chaos@example.com', subject, content: `<p>${k}</p>` })}`, subject };
  }
  // Every message's text is unique, so a user message seen twice on a thread is a repeated POST.
  if (kind === 'quote') return { content: `quote ${k}\n/call get_stock_price ${JSON.stringify({ symbol: 'MSFT' })}` };
  return { content: `chaos message ${k}` };
}

export async function runChaos(world: ChaosWorld, options: ChaosOptions): Promise<ChaosSummary> {
  const rng = createRng(options.seed);
  const log = options.log ?? (() => undefined);
  const hostLogs: string[] = [];
  const recoveries: number[] = [];
  const recovering: Array<Promise<void>> = [];
  let stopped = false;
  let next = 0;
  const threadIds: string[] = [];
  const counts = { kills: 0, kills_in_send: 0, outages: 0, azurite_restarts: 0 };

  let turn = 0;
  const api = () => apiBaseOf(world.hosts[turn++ % world.hosts.length]!.current());
  const call = async (userId: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${api()}${route}`, {
      method,
      headers: { 'x-user-id': userId, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  /** Retries through host kills and outages: connection errors and 5xx. 409 (a run still active) is waited out. */
  const persist = async <T>(attempt: () => Promise<T | undefined>, deadlineMs: number): Promise<T | undefined> => {
    while (Date.now() < deadlineMs) {
      try {
        const value = await attempt();
        if (value !== undefined) return value;
      } catch {
        // host down or restarting
      }
      await sleep(300);
    }
    return undefined;
  };

  await fetch(`${world.stack.assistants.url}/_admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rate_429: 0.03, rate_500: 0.03, rate_reset: 0.02, latency_ms: [0, 40], retry_after_ms: 500, seed: options.seed }),
  });
  await fetch(`${world.stack.mail.url}/_admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // The sink would fold repeats of one Idempotency-Key; letting them through measures the app's own exactly-once.
    body: JSON.stringify({ rate_500: 0.1, latency_ms: [0, 50], ignore_idempotency_key: true, seed: options.seed }),
  });

  async function user(index: number): Promise<void> {
    const userId = `chaos-user-${index}`;
    const created = await persist(async () => {
      const answer = await call(userId, 'POST', '/threads', {});
      return answer.status === 201 ? (answer.body.id as string) : undefined;
    }, Date.now() + 60_000);
    if (!created) return;
    threadIds.push(created);
    let previousRunId: string | undefined;
    while (!stopped) {
      const k = next++;
      if (k >= options.runs) return;
      const message = planMessage(rng, options.seed, k);
      // 202: queued. 409: the thread's previous run is still going (or this POST got through before the host died).
      // Like a careful frontend: after a POST that got no answer, a run started since is this message's, not a reason to post again.
      const postedAt = Math.floor(Date.now() / 1000);
      let tries = 0;
      const runId = await persist(async () => {
        if (tries++ > 0) {
          const latest = await call(userId, 'GET', `/threads/${created}/runs?limit=1`);
          const newest = (latest.body.data as Array<{ id: string; created_at: number }> | undefined)?.[0];
          // created_at has whole seconds: the user's previous run may share the second, and is not this message's.
          if (newest && newest.created_at >= postedAt && newest.id !== previousRunId) return newest.id;
        }
        const answer = await call(userId, 'POST', `/threads/${created}/messages`, { content: message.content });
        return answer.status === 202 || answer.status === 200 ? (answer.body.run as { id: string }).id : undefined;
      }, Date.now() + 90_000);
      if (!runId) continue;
      previousRunId = runId;
      await persist(async () => {
        const answer = await call(userId, 'GET', `/threads/${created}/runs/${runId}`);
        return isTerminal(String(answer.body.status)) ? true : undefined;
      }, Date.now() + 90_000);
    }
  }

  async function chaos(): Promise<void> {
    const events = [
      ...Array.from({ length: options.kills }, () => 'kill' as const),
      ...Array.from({ length: options.outages }, () => 'outage' as const),
      ...Array.from({ length: options.azuriteRestarts }, () => 'azurite' as const),
    ].sort(() => rng.next() - 0.5);
    for (const event of events) {
      await sleep(rng.int(1_500, 4_000));
      if (stopped) return;
      if (event === 'kill') {
        const target = world.hosts[rng.int(0, world.hosts.length - 1)]!;
        // Every third kill lands while the queue service is down: the host dies inside queue.send's retries.
        const inSend = counts.kills % 3 === 1;
        if (inSend) {
          world.queueDown();
          await sleep(rng.int(300, 1_200));
        }
        const host = target.current();
        hostLogs.push(host.logs());
        const inFlight = (await allRuns(world.ledger, threadIds)).filter((run) => !isTerminal(run.status));
        host.kill('SIGKILL');
        const killedAt = Date.now();
        await host.exited;
        if (inSend) world.queueUp();
        await target.restart();
        recovering.push(
          recoveryOf(world.ledger, inFlight, killedAt).then(async ({ ms, last }) => {
            recoveries.push(ms);
            if (ms > 30_000 && last) {
              const run = await world.ledger.getRun(last.threadId, last.runId);
              log(`chaos: slow recovery ${ms} ms, last run ${last.runId}: ${JSON.stringify({ history: run?.statusHistory, transientFailures: run?.transientFailures, generation: run?.followGeneration, lastError: run?.lastError })}`);
            }
          }),
        );
        counts.kills++;
        if (inSend) counts.kills_in_send++;
        log(`chaos: host ${world.hosts.indexOf(target) + 1} of ${world.hosts.length} killed${inSend ? ' during queue.send' : ''} and restarted (${counts.kills})`);
      } else if (event === 'outage') {
        world.queueDown();
        await sleep(rng.int(500, 2_500));
        world.queueUp();
        counts.outages++;
        log(`chaos: queue service down and up (${counts.outages})`);
      } else {
        await world.restartAzurite();
        counts.azurite_restarts++;
        log('chaos: Azurite restarted with its data');
      }
    }
  }

  await Promise.all([chaos().catch((error: unknown) => log(`chaos schedule failed: ${String(error)}`)), ...Array.from({ length: options.threads }, (_, i) => user(i))]);
  stopped = true;
  world.queueUp();
  await fetch(`${world.stack.assistants.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await fetch(`${world.stack.mail.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  // Let the reconciler and the workers finish what the chaos left (every run ended, every thread freed: a thread
  // claimed by a request that died before recording its run is freed by the stall pass), then count from the ledger.
  const settleBy = Date.now() + options.settleMs;
  let runs = await allRuns(world.ledger, threadIds);
  const claimed = async () => (await Promise.all(threadIds.map((id) => world.ledger.getThread(id)))).filter((thread) => thread?.activeRunId).length;
  while (Date.now() < settleBy && (runs.some((run) => !isTerminal(run.status)) || (await claimed()) > 0)) {
    await sleep(1_000);
    runs = await allRuns(world.ledger, threadIds);
  }
  await Promise.all(recovering);
  for (const host of world.hosts) hostLogs.push(host.current().logs());
  const logs = hostLogs.join('\n');
  // A run that never ended is a finding: its row and what the hosts logged about it.
  for (const run of runs.filter((r) => !isTerminal(r.status))) {
    const lines = logs.split('\n').filter((line) => line.includes(run.runId)).slice(-40);
    log(`chaos: lost run ${run.runId}: ${JSON.stringify({ ...run, additionalInstructions: undefined })}\n${lines.join('\n')}`);
  }
  const statuses: Record<string, number> = {};
  for (const run of runs) statuses[run.status] = (statuses[run.status] ?? 0) + 1;

  const mails = ((await (await fetch(`${world.stack.mail.url}/_admin/mail`)).json()) as { items: Array<{ subject: string; idempotencyKey: string | null }> }).items;
  const bySubject = new Map<string, number>();
  // One tool call's email delivered twice (its Idempotency-Key seen twice) is a duplicate; two runs asking is not.
  const byKey = new Map<string, number>();
  for (const mail of mails) {
    bySubject.set(mail.subject, (bySubject.get(mail.subject) ?? 0) + 1);
    byKey.set(mail.idempotencyKey ?? mail.subject, (byKey.get(mail.idempotencyKey ?? mail.subject) ?? 0) + 1);
  }
  let missing = 0;
  for (const run of runs) {
    for (const toolCall of await world.ledger.listToolCalls(run.runId)) {
      if (toolCall.name !== 'send_email' || toolCall.status !== 'succeeded') continue;
      const subject = (JSON.parse(toolCall.arguments) as { subject?: string }).subject ?? '';
      if (!bySubject.has(subject)) missing++;
    }
  }
  const orphans = await claimed();
  const outputs = JSON.stringify(runs.map((run) => run.lastError ?? null));
  return {
    runs: runs.length,
    terminal: runs.filter((run) => isTerminal(run.status)).length,
    lost: runs.filter((run) => !isTerminal(run.status)).length,
    duplicate_emails: [...byKey.values()].filter((n) => n > 1).length,
    missing_emails: missing,
    duplicate_user_messages: await duplicateUserMessages(world, threadIds),
    unhandled_errors: (logs.match(/unhandled|uncaught exception/gi) ?? []).length,
    secret_leaks: options.secrets.filter((secret) => secret && (logs.includes(secret) || outputs.includes(secret))).length,
    orphans_after_sweep: orphans,
    worst_recovery_ms: Math.max(0, ...recoveries),
    ...counts,
    hosts: world.hosts.length,
    statuses,
    seed: options.seed,
  };
}

/** Milliseconds from a kill until every run in flight at that moment had ended (at most two minutes are watched), and the last of them. */
async function recoveryOf(ledger: Ledger, inFlight: Array<{ threadId: string; runId: string }>, killedAt: number): Promise<{ ms: number; last?: { threadId: string; runId: string } }> {
  let open = inFlight;
  let last: { threadId: string; runId: string } | undefined;
  while (open.length > 0 && Date.now() - killedAt < 120_000) {
    const current = await Promise.all(open.map((run) => ledger.getRun(run.threadId, run.runId).catch(() => null)));
    const still = open.filter((_, i) => !current[i] || !isTerminal(current[i]!.status));
    if (still.length === 0) last = open[0];
    open = still;
    if (open.length > 0) await sleep(250);
  }
  return { ms: Date.now() - killedAt, last: open[0] ?? last };
}

async function allRuns(ledger: Ledger, threadIds: string[]) {
  const pages = await Promise.all(threadIds.map((id) => ledger.listRuns(id, { limit: 100 })));
  return pages.flatMap((page) => page.runs);
}

/** User messages that appear twice on one thread (a POST retried after the host died mid-request). */
async function duplicateUserMessages(world: ChaosWorld, threadIds: string[]): Promise<number> {
  let duplicates = 0;
  for (const threadId of threadIds) {
    const thread = await world.ledger.getThread(threadId);
    if (!thread) continue;
    const response = await fetch(`${world.stack.api}/threads/${threadId}/messages?limit=100`, { headers: { 'x-user-id': thread.ownerId } }).catch(() => undefined);
    if (!response?.ok) continue;
    const page = (await response.json()) as { data: Array<{ role: string; content: Array<{ text?: { value: string } }> }> };
    const seen = new Set<string>();
    for (const message of page.data.filter((m) => m.role === 'user')) {
      const text = message.content.map((part) => part.text?.value ?? '').join('');
      if (seen.has(text)) duplicates++;
      seen.add(text);
    }
  }
  return duplicates;
}

export function chaosLine(summary: ChaosSummary & { protocol?: string }): string {
  return `CHAOS ${JSON.stringify(summary)}`;
}
