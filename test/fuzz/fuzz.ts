// The fuzz run: reads the OpenAPI document the app serves, sets up two users' objects through the public
// API (A: the victim; B: the fuzzer), sends the generated hostile requests with a few in flight, judges
// each answer, and checks at the end that the app is healthy and A's objects are untouched.
import { createGenerator, type FuzzCase, type Fixtures } from './generator';
import { describeApi, type ApiDescription } from './openapi';
import { envelopeProblem, excerpt, judge, secretsInBody, type Finding, type FindingKind } from './oracle';
import { createRng } from './prng';
import { send, type SendOptions, type WireRequest } from './send';

export interface FuzzOptions {
  /** http://127.0.0.1:<port>/api */
  api: string;
  seed: number;
  /** Requests to send (twins included). */
  requests: number;
  concurrency?: number;
  timeoutMs?: number;
  sseDeadlineMs?: number;
  /** Stop sending once this much time has gone (the summary says so). */
  budgetMs?: number;
  log?: (line: string) => void;
}

export interface FuzzSummary {
  requests: number;
  status_5xx: number;
  outside_envelope: number;
  cross_user_leaks: number;
  hangs: number;
  no_response: number;
  healthy: boolean;
  seed: number;
  cases: number;
  operations: number;
  by_strategy: Record<string, number>;
  statuses: Record<string, number>;
  client_refused: number;
  duration_ms: number;
  stopped_early: boolean;
}

export interface FuzzResult {
  summary: FuzzSummary;
  /** One line per request sent: n, method, path (shortened), what was sent, status. */
  log: string[];
  /** Statuses per strategy (what each kind of hostile request got). */
  statusesByStrategy: Record<string, Record<string, number>>;
  findings: Finding[];
}

const USER_A = 'fuzz-alice';
const USER_B = 'fuzz-bob';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read freely
type Json = any;

async function call(api: string, user: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${api}${route}`, {
    method,
    headers: { 'x-user-id': user, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}

async function must(api: string, user: string, method: string, route: string, body: unknown, statuses: number[]): Promise<Json> {
  const { status, json } = await call(api, user, method, route, body);
  if (!statuses.includes(status)) throw new Error(`fixture setup: ${method} ${route} as ${user} answered ${status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function upload(api: string, user: string, filename: string, content: string): Promise<Json> {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  form.append('purpose', 'assistants');
  const response = await fetch(`${api}/files`, { method: 'POST', headers: { 'x-user-id': user }, body: form, signal: AbortSignal.timeout(60_000) });
  const json = (await response.json()) as Json;
  if (response.status !== 201) throw new Error(`fixture setup: upload as ${user} answered ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`fixture setup: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const textOf = (message: Json): string => ((message?.content ?? []) as Json[]).map((part) => part?.text?.value ?? '').join('');

/** A's and B's objects, made through the public API only. */
export async function setUpFixtures(api: string, seed: number): Promise<{ fixtures: Fixtures; secrets: string[] }> {
  const marker = `FuzzSecretOfAlice${seed}x${Date.now().toString(36)}`;
  // A: a thread with a finished conversation, a thread whose run waits for a client tool output, a file.
  const threadA1 = (await must(api, USER_A, 'POST', '/threads', { metadata: { note: `${marker}-meta` } }, [201])).id as string;
  const answered = await must(api, USER_A, 'POST', `/threads/${threadA1}/messages?wait=60`, { content: `${marker}-question` }, [200]);
  const runA1 = answered.run.id as string;
  const threadA2 = (await must(api, USER_A, 'POST', '/threads', {}, [201])).id as string;
  const accepted = await must(api, USER_A, 'POST', `/threads/${threadA2}/messages`, { content: `${marker}-where\n/call get_user_location {}` }, [202]);
  const runA2 = accepted.run.id as string;
  const waiting = await poll(async () => {
    const run = (await call(api, USER_A, 'GET', `/threads/${threadA2}/runs/${runA2}`)).json;
    return run?.status === 'requires_action' ? run : undefined;
  }, 60_000);
  const toolCalls = ((waiting.required_action?.tool_calls ?? waiting.tool_calls ?? []) as Json[]).map((t) => String(t.id));
  if (toolCalls.length === 0) throw new Error(`fixture setup: A's run waits without tool calls: ${JSON.stringify(waiting).slice(0, 300)}`);
  const fileA = await upload(api, USER_A, `${marker}-file.csv`, `Symbol,Qty\n${marker}-content,1\n`);
  const messagesA = [
    ...(await must(api, USER_A, 'GET', `/threads/${threadA1}/messages`, undefined, [200])).data,
    ...(await must(api, USER_A, 'GET', `/threads/${threadA2}/messages`, undefined, [200])).data,
  ] as Json[];
  const stepsA = (await must(api, USER_A, 'GET', `/threads/${threadA1}/runs/${runA1}/steps`, undefined, [200])).data as Json[];

  // B: a thread with a finished run and a file of its own.
  const threadB = (await must(api, USER_B, 'POST', '/threads', {}, [201])).id as string;
  const answeredB = await must(api, USER_B, 'POST', `/threads/${threadB}/messages?wait=60`, { content: 'hello from the fuzzer' }, [200]);
  const fileB = await upload(api, USER_B, 'fuzz-own.txt', 'fuzzer file');

  const fixtures: Fixtures = {
    a: {
      user: USER_A,
      threads: [threadA1, threadA2],
      runs: [
        { threadId: threadA1, runId: runA1 },
        { threadId: threadA2, runId: runA2 },
      ],
      messages: messagesA.map((m) => String(m.id)),
      files: [String(fileA.id)],
      toolCalls,
      texts: [marker, ...messagesA.map(textOf).filter((t) => t.length >= 12)],
    },
    b: { user: USER_B, threadId: threadB, runId: String(answeredB.run.id), fileId: String(fileB.id), messageId: String(answeredB.reply?.[0]?.id ?? answeredB.message_id) },
  };
  const secrets = [
    ...fixtures.a.threads,
    ...fixtures.a.runs.map((r) => r.runId),
    ...fixtures.a.messages,
    ...fixtures.a.files,
    ...fixtures.a.toolCalls,
    ...stepsA.map((s) => String(s.id)),
    ...fixtures.a.texts,
  ].filter((s, i, all) => s.length >= 8 && all.indexOf(s) === i);
  return { fixtures, secrets };
}

/** The whole run. Throws only when the stack cannot be set up; findings are in the result. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const url = new URL(options.api);
  const sendOptions: SendOptions = { host: url.hostname, port: Number(url.port), timeoutMs: options.timeoutMs ?? 20_000, sseDeadlineMs: options.sseDeadlineMs ?? 1_500 };
  const docResponse = await fetch(`${options.api}/openapi.json`, { signal: AbortSignal.timeout(30_000) });
  if (docResponse.status !== 200) throw new Error(`GET /openapi.json answered ${docResponse.status}`);
  const doc = (await docResponse.json()) as Json;
  const api: ApiDescription = describeApi(doc);
  const prefix = String(doc.servers?.[0]?.url ?? url.pathname).replace(/\/+$/, '');
  const { fixtures, secrets } = await setUpFixtures(options.api, options.seed);
  log(`fuzz: ${api.operations.length} operations, ${secrets.length} secrets of A, seed ${options.seed}`);

  const rng = createRng(options.seed);
  const generator = createGenerator({ api, fixtures, prefix }, rng);
  const operations = new Map(api.operations.map((op) => [op.operationId, op]));
  const oracle = { secrets, operations, storedByB: new Set<string>() };
  /** Sends one request; secrets in a body count as B's own data from the moment it is sent, unless it is refused. */
  const sendTracked = async (request: WireRequest) => {
    const carried = request.method === 'GET' ? [] : secretsInBody(request, secrets).filter((s) => !oracle.storedByB.has(s));
    for (const s of carried) oracle.storedByB.add(s);
    const outcome = await send(request, sendOptions);
    if (!(outcome.ok && outcome.response.status < 300)) for (const s of carried) oracle.storedByB.delete(s);
    return outcome;
  };

  // Generate the whole list first: it depends on the seed only, never on timing.
  const cases: FuzzCase[] = [];
  let planned = 0;
  while (planned < options.requests) {
    const c = generator.next();
    cases.push(c);
    planned += c.crossUser ? 2 : 1;
  }

  const findings: Finding[] = [];
  const statuses: Record<string, number> = {};
  const byStrategy: Record<string, number> = {};
  let requests = 0;
  let clientRefused = 0;
  let stoppedEarly = false;
  const sentLog: string[] = [];
  const statusesByStrategy: Record<string, Record<string, number>> = {};
  const count = (outcome: Awaited<ReturnType<typeof send>>, strategy: string) => {
    requests++;
    const perStrategy = (statusesByStrategy[strategy] ??= {});
    const status = outcome.ok ? String(outcome.response.status) : outcome.kind;
    perStrategy[status] = (perStrategy[status] ?? 0) + 1;
    if (!outcome.ok && outcome.kind === 'client_refused') clientRefused++;
    const key = outcome.ok ? String(outcome.response.status) : outcome.kind;
    statuses[key] = (statuses[key] ?? 0) + 1;
  };

  let index = 0;
  const worker = async () => {
    for (;;) {
      if (index >= cases.length) return;
      if (options.budgetMs !== undefined && Date.now() - started > options.budgetMs) {
        stoppedEarly = true;
        return;
      }
      const c = cases[index++]!;
      byStrategy[c.strategy] = (byStrategy[c.strategy] ?? 0) + 1;
      const outcome = await sendTracked(c.request);
      count(outcome, c.strategy);
      let twinOutcome;
      if (c.crossUser) {
        twinOutcome = await sendTracked(c.crossUser.twin);
        count(twinOutcome, c.strategy);
        findings.push(...judge({ ...c, crossUser: undefined, request: c.crossUser.twin, summary: `${c.summary} (twin with missing ids)` }, twinOutcome, oracle));
      }
      const status = (o: typeof outcome) => (o.ok ? String(o.response.status) : o.kind);
      sentLog.push(`${c.n} ${c.strategy} ${c.method} ${c.request.path.slice(0, 120)} | ${c.summary} → ${status(outcome)}${twinOutcome ? ` (twin ${status(twinOutcome)})` : ''}`);
      const found = judge(c, outcome, oracle, twinOutcome);
      for (const f of found) log(`finding #${findings.length + 1}: ${f.kind} ${f.method} ${f.template} [${f.strategy}] ${f.request} → ${f.status ?? '-'} ${f.body.slice(0, 160)} (${f.reason})`);
      findings.push(...found);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, () => worker()));

  // The app is still healthy, and nothing B sent changed A's objects.
  const healthy = await checkHealth(options.api, findings);
  await checkFixturesIntact(options.api, fixtures, findings);

  const tally = (kind: FindingKind) => findings.filter((f) => f.kind === kind).length;
  const summary: FuzzSummary = {
    requests,
    status_5xx: tally('status_5xx'),
    outside_envelope: tally('outside_envelope'),
    cross_user_leaks: tally('cross_user_leak'),
    hangs: tally('hang'),
    no_response: tally('no_response'),
    healthy,
    seed: options.seed,
    cases: cases.length,
    operations: api.operations.length,
    by_strategy: byStrategy,
    statuses,
    client_refused: clientRefused,
    duration_ms: Date.now() - started,
    stopped_early: stoppedEarly,
  };
  return { summary, log: sentLog, statusesByStrategy, findings };
}

async function checkHealth(api: string, findings: Finding[]): Promise<boolean> {
  const request: WireRequest = { method: 'GET', path: `${new URL(api).pathname}/health`, headers: {} };
  const url = new URL(api);
  const outcome = await send(request, { host: url.hostname, port: Number(url.port), timeoutMs: 30_000, sseDeadlineMs: 1_000 });
  const ok = outcome.ok && outcome.response.status === 200;
  if (!ok) {
    findings.push({
      kind: 'unhealthy',
      n: -1,
      method: 'GET',
      path: request.path,
      template: '/health',
      operationId: 'health',
      strategy: 'final check',
      request: 'GET /health after the run',
      status: outcome.ok ? outcome.response.status : null,
      body: outcome.ok ? excerpt(outcome.response.text) : '',
      reason: outcome.ok ? `health answered ${outcome.response.status}${outcome.response.status >= 400 && envelopeProblem(outcome.response) ? ' outside the envelope' : ''}` : outcome.detail,
    });
  }
  return ok;
}

async function checkFixturesIntact(api: string, fixtures: Fixtures, findings: Finding[]): Promise<void> {
  const problems: string[] = [];
  for (const threadId of fixtures.a.threads) {
    const got = await call(api, fixtures.a.user, 'GET', `/threads/${threadId}`);
    if (got.status !== 200) problems.push(`A's thread ${threadId} answers A ${got.status}`);
    const messages = await call(api, fixtures.a.user, 'GET', `/threads/${threadId}/messages?limit=100`);
    const roles = ((messages.json?.data ?? []) as Json[]).map((m) => m.role);
    const texts = ((messages.json?.data ?? []) as Json[]).map(textOf).join('\n');
    if (roles.filter((r) => r === 'user').length !== 1) problems.push(`A's thread ${threadId} holds ${roles.filter((r) => r === 'user').length} user messages`);
    if (texts.includes('Mallory') || texts.includes('fuzz ')) problems.push(`A's thread ${threadId} holds text B sent`);
  }
  const waiting = fixtures.a.runs[1]!;
  const run = await call(api, fixtures.a.user, 'GET', `/threads/${waiting.threadId}/runs/${waiting.runId}`);
  if (run.json?.status !== 'requires_action' && run.json?.status !== 'expired') problems.push(`A's waiting run is ${run.json?.status}`);
  for (const fileId of fixtures.a.files) {
    const file = await call(api, fixtures.a.user, 'GET', `/files/${fileId}`);
    if (file.status !== 200) problems.push(`A's file ${fileId} answers A ${file.status}`);
  }
  for (const problem of problems) {
    findings.push({ kind: 'cross_user_leak', n: -1, method: 'GET', path: '', template: '(A\'s fixtures)', operationId: '-', strategy: 'final check', request: 'A reads her objects after the run', status: null, body: '', reason: problem });
  }
}

/** The one-line summary, e.g. `FUZZ {"requests":2000,...}`. */
export function summaryLine(summary: FuzzSummary): string {
  return `FUZZ ${JSON.stringify(summary)}`;
}

/** The first findings, one per line, for a report. */
export function describeFindings(findings: Finding[], max = 10): string {
  return findings
    .slice(0, max)
    .map((f, i) => `${i + 1}. [${f.kind}] ${f.method} ${f.template} (${f.operationId}, ${f.strategy}) path=${f.path} sent: ${f.request} → ${f.status ?? '-'} ${f.body.slice(0, 200)} — ${f.reason}`)
    .join('\n');
}

/** Findings grouped by what they have in common (kind, method, template, strategy, status, reason). */
export function distinctFindings(findings: Finding[]): Array<{ key: string; count: number; example: Finding }> {
  const groups = new Map<string, { key: string; count: number; example: Finding }>();
  for (const f of findings) {
    const key = `${f.kind} ${f.method} ${f.template} ${f.strategy} ${f.status ?? '-'} ${f.reason.replace(/[A-Za-z]+_[A-Za-z0-9]+|file-[A-Za-z0-9]+/g, '<id>').slice(0, 80)}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { key, count: 1, example: f });
  }
  return [...groups.values()].sort((x, y) => y.count - x.count);
}
