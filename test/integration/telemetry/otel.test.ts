// Issue #19's acceptance test: the stack exports OTLP/JSON to a small receiver (test/support/otlp-receiver.ts)
// while a one-tool run goes through the HTTP start, the run queue, the worker and send_email. The trace must be
// one tree from the caller's traceparent down to the tool, the metrics must arrive, and nothing exported may
// carry a configured secret, the message text or the email's content. Protocol-neutral: it asserts span kinds
// and attributes, not the upstream protocol's paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../../src/runs/run-facts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { apiClient, eventually, startStack, type Stack } from '../../support/stack';

const UPSTREAM_KEY = 'otel-test-upstream-key-7f3a91';
const ADMIN_KEY = 'otel-test-admin-key-c0ffee42';
const MESSAGE_MARKER = 'MESSAGE-TEXT-MARKER-5521';
const EMAIL = { to: 'otel-recipient@example.com', subject: 'OTEL-SUBJECT-0815', content: '<p>OTEL-EMAIL-BODY-4242</p>' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

let receiver: OtlpReceiver;
let stack: Stack;
const alice = () => apiClient(() => stack.api, 'otel-alice');

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  stack = await startStack({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      // Read by the SDK's batch processors themselves (standard OTEL_* variables).
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      ASSISTANTS_API_KEY: UPSTREAM_KEY,
      ADMIN_KEY,
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

describe('OpenTelemetry (issue #19)', () => {
  let runId: string;
  let threadId: string;
  let run: { tool_calls?: Array<{ id: string }> };

  beforeAll(async () => {
    threadId = (await alice().post('/threads', {})).body!.id as string;
    const content = `Please mail the numbers. ${MESSAGE_MARKER}\n/call send_email ${JSON.stringify(EMAIL)}`;
    const accepted = await alice().post(`/threads/${threadId}/messages`, { content }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(accepted.status).toBe(202);
    runId = accepted.body!.run.id as string;
    // An SSE client for the run's events, read to its end (the open-connections metric).
    const events = await fetch(`${stack.api}/threads/${threadId}/runs/${runId}/events`, { headers: { 'x-user-id': 'otel-alice' } });
    expect(await events.text()).toContain('event: done');
    run = await eventually(async () => {
      const current = (await alice().get(`/threads/${threadId}/runs/${runId}`)).body!;
      return isTerminal(current.status) ? current : undefined;
    });
    expect((run as { status?: string }).status).toBe('completed');
    expect(run.tool_calls?.[0]).toMatchObject({ name: 'send_email', status: 'completed' });

    // One upstream failure (the local server answers 500 to everything, the SDK's retries included).
    await setFaults({ rate_500: 1 });
    try {
      expect((await alice().post('/threads', {})).status).toBeGreaterThanOrEqual(500);
    } finally {
      await setFaults({});
    }
    // A requested sweep runs in the sweep worker; its metrics are recorded there.
    const swept = await fetch(`${stack.api}/maintenance/sweep`, { method: 'POST', headers: { 'x-functions-key': ADMIN_KEY } });
    expect(swept.status).toBe(202);
    await eventually(async () => {
      const sweep = (await (await fetch(swept.headers.get('location')!, { headers: { 'x-functions-key': ADMIN_KEY } })).json()) as { status: string };
      return sweep.status === 'succeeded' ? sweep : undefined;
    });
  }, 90_000);

  it('one trace spans the HTTP start, every delivery and the tool, parent to child', async () => {
    const { trace, byId } = await eventually(async () => {
      const trace = receiver.spans().filter((span) => span.traceId === TRACE_ID);
      const byId = new Map(trace.map((span) => [span.spanId, span]));
      const tool = trace.find((span) => span.name === 'execute_tool send_email');
      // Complete once the tool span and every span's parent (but the root's) have been exported.
      const orphans = trace.filter((span) => span.parentSpanId && span.parentSpanId !== hostSpanOf(trace) && !byId.has(span.parentSpanId));
      return tool && orphans.length === 0 && trace.some((s) => s.kind === SPAN_KIND.consumer && s.name.startsWith('process')) ? { trace, byId } : undefined;
    });

    // The HTTP start continues the caller's trace through the host's invocation span (not exported locally).
    const start = trace.find((span) => span.kind === SPAN_KIND.server && span.attributes['http.route'] === '/threads/{threadId}/messages');
    expect(start).toBeDefined();
    expect(start!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 202, 'app.thread_id': threadId, 'app.run_id': runId, 'app.assistant_key': expect.any(String) });
    expect(start!.parentSpanId).toBeDefined();
    expect(start!.parentSpanId).not.toBe(CALLER_SPAN_ID);
    expect(trace.filter((span) => !span.parentSpanId || !byId.has(span.parentSpanId))).toEqual([start]);

    // HTTP start → send (producer) → delivery (consumer); a requeue's send sits in the delivery before it.
    const sends = trace.filter((span) => span.kind === SPAN_KIND.producer);
    const deliveries = trace.filter((span) => span.kind === SPAN_KIND.consumer);
    expect(sends.find((send) => send.attributes['app.run.generation'] === 0)?.parentSpanId).toBe(start!.spanId);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    for (const delivery of deliveries) {
      expect(delivery.attributes).toMatchObject({ 'messaging.destination.name': 'runs', 'app.run_id': runId, 'app.thread_id': threadId, 'app.queue.dequeue_count': expect.any(Number) });
      expect(sends.map((send) => send.spanId)).toContain(delivery.parentSpanId);
      // The host's own invocation trace is linked, not the parent.
      expect(delivery.links.some((link) => link.traceId !== TRACE_ID)).toBe(true);
    }
    const completed = deliveries.find((delivery) => delivery.attributes['app.run.status'] === 'completed');
    expect(completed?.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));

    // The tool span, with the call's ids, under a delivery.
    const tool = trace.find((span) => span.name === 'execute_tool send_email')!;
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_email', 'gen_ai.tool.call.id': run.tool_calls?.[0]?.id ?? expect.any(String), 'app.run_id': runId, 'app.tool.outcome': 'succeeded' });
    expect(deliveries).toContain(ancestorOfKind(tool, byId, SPAN_KIND.consumer));
    // The tool's own request (the Logic App), a client span under it: no query string, so no signature.
    const logicApp = trace.find((span) => span.kind === SPAN_KIND.client && span.parentSpanId === tool.spanId);
    expect(logicApp?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 202, 'url.template': expect.not.stringContaining('?') });

    // Ledger writes in the HTTP start and in the delivery; upstream calls with GenAI attributes in both.
    expect(trace.find((span) => span.name === 'ledger recordRun')?.parentSpanId).toBe(start!.spanId);
    expect(trace.some((span) => span.name === 'ledger claimToolCall' && deliveries.includes(ancestorOfKind(span, byId, SPAN_KIND.consumer)!))).toBe(true);
    const upstream = trace.filter((span) => span.kind === SPAN_KIND.client && span.attributes['gen_ai.system']);
    expect(upstream.some((span) => ancestorOfKind(span, byId, SPAN_KIND.server) === start)).toBe(true);
    const agentCalls = upstream.filter((span) => deliveries.includes(ancestorOfKind(span, byId, SPAN_KIND.consumer)!) && span.attributes['gen_ai.operation.name']);
    expect(agentCalls.length).toBeGreaterThanOrEqual(2); // the start and the tool outputs' submission
    for (const call of agentCalls) expect(call.attributes).toMatchObject({ 'gen_ai.request.model': expect.any(String), 'http.response.status_code': expect.any(Number), 'server.address': '127.0.0.1' });
  });

  it('a client-tool run stays one trace across the frontend\'s tool_outputs request', async () => {
    const clientTrace = 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6';
    const thread = (await alice().post('/threads', {})).body!.id as string;
    const started = await alice().post(`/threads/${thread}/messages`, { content: '/call get_user_location {}' }, { traceparent: `00-${clientTrace}-1111111111111111-01` });
    const clientRunId = started.body!.run.id as string;
    const waiting = await eventually(async () => {
      const current = (await alice().get(`/threads/${thread}/runs/${clientRunId}`)).body!;
      return current.status === 'requires_action' && current.required_action ? current : undefined;
    });
    const outputsTrace = 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6';
    const submitted = await alice().post(
      `/threads/${thread}/runs/${clientRunId}/tool_outputs`,
      { tool_outputs: [{ tool_call_id: waiting.required_action.tool_calls[0].id, output: '{"city":"Lisbon"}' }] },
      { traceparent: `00-${outputsTrace}-2222222222222222-01` },
    );
    expect(submitted.status).toBe(202);
    await eventually(async () => ((await alice().get(`/threads/${thread}/runs/${clientRunId}`)).body!.status === 'completed' ? true : undefined));

    const ended = await eventually(async () => {
      const spans = receiver.spans().filter((span) => span.kind === SPAN_KIND.consumer && span.attributes['app.run_id'] === clientRunId);
      return spans.some((span) => span.attributes['app.run.status'] === 'completed') ? spans : undefined;
    });
    // Every delivery, the one after the wake-up included, is in the run's trace; the wake-up's send links the request.
    expect(ended.length).toBeGreaterThanOrEqual(2);
    expect(ended.map((span) => span.traceId)).toEqual(ended.map(() => clientTrace));
    const wake = receiver.spans().find((span) => span.kind === SPAN_KIND.producer && span.attributes['app.run_id'] === clientRunId && span.links.some((link) => link.traceId === outputsTrace));
    expect(wake?.traceId).toBe(clientTrace);
  });

  it('log lines carry the trace id', async () => {
    const lines = await eventually(async () => {
      const found = receiver.logRecords().filter((record) => record.traceId === TRACE_ID && String(record.body).includes(`"trace_id":"${TRACE_ID}"`));
      return found.length ? found : undefined;
    });
    expect(lines.some((record) => String(record.body).includes(`"runId":"${runId}"`))).toBe(true);
  });

  it('exports the run, tool, upstream, queue, SSE and sweep metrics', async () => {
    const wanted: Array<[string, Record<string, unknown>]> = [
      ['app.run.count', { 'app.run.status': 'completed' }],
      ['app.run.duration', { 'app.run.status': 'completed' }],
      ['app.run.requires_action.duration', {}],
      ['app.tool.calls', { 'gen_ai.tool.name': 'send_email', 'app.tool.outcome': 'succeeded' }],
      ['app.tool.duration', { 'gen_ai.tool.name': 'send_email' }],
      ['app.upstream.calls', {}],
      ['app.upstream.errors', { 'error.type': 'server_error' }],
      ['app.run.delivery.upstream_calls', {}],
      ['app.queue.message.age', { 'messaging.destination.name': 'runs' }],
      ['app.queue.dequeue_count', { 'messaging.destination.name': 'runs' }],
      ['app.sse.connections', {}],
      ['app.sweep.deletions', { 'app.sweep.kind': 'threads' }],
    ];
    const missing = await eventually(
      async () => {
        const points = receiver.points();
        const absent = wanted.filter(([name, attributes]) => !points.some((p) => p.metric === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)));
        return absent.length === 0 ? absent : undefined;
      },
      { timeoutMs: 20_000 },
    ).catch(() => wanted.filter(([name]) => !receiver.points().some((p) => p.metric === name)));
    expect(missing).toEqual([]);
    const points = receiver.points();
    expect(points.find((p) => p.metric === 'app.run.count' && p.attributes['app.run.status'] === 'completed')!.value).toBeGreaterThanOrEqual(1);
    expect(points.find((p) => p.metric === 'app.upstream.errors')!.value).toBeGreaterThanOrEqual(1);
  });

  it('never exports a secret, the message text or the email', () => {
    const logicAppSignature = new URL(stack.env.EMAIL_LOGIC_APP_URL!).searchParams.get('sig')!;
    const accountKey = /AccountKey=([^;]+)/.exec(stack.env.AzureWebJobsStorage!)?.[1];
    const forbidden = [UPSTREAM_KEY, ADMIN_KEY, logicAppSignature, accountKey, MESSAGE_MARKER, EMAIL.to, EMAIL.subject, 'OTEL-EMAIL-BODY-4242'].filter((s): s is string => Boolean(s));
    expect(forbidden.length).toBeGreaterThanOrEqual(7);
    // Every exported attribute (spans, links, resources, metric points, log records), and the raw payloads.
    const attributes = [
      ...receiver.spans().flatMap((span) => [span.attributes, span.resource, ...span.links.map((link) => link.attributes)]),
      ...receiver.points().map((point) => point.attributes),
      ...receiver.logRecords().map((record) => record.attributes),
    ].flatMap((set) => Object.values(set).map((value) => JSON.stringify(value)));
    expect(attributes.length).toBeGreaterThan(100);
    for (const secret of forbidden) expect(attributes.filter((value) => value.includes(secret))).toEqual([]);
    const raw = JSON.stringify([receiver.bodies.traces, receiver.bodies.metrics]);
    for (const secret of forbidden) expect(raw.includes(secret), secret).toBe(false);
  });
});

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.assistants.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(response.status).toBe(200);
}

/** The parent the HTTP start span names: the local host's invocation span, which is not exported. */
function hostSpanOf(trace: ReceivedSpan[]): string | undefined {
  return trace.find((span) => span.kind === SPAN_KIND.server && span.attributes['http.route'] === '/threads/{threadId}/messages')?.parentSpanId;
}

function ancestorOfKind(span: ReceivedSpan, byId: Map<string, ReceivedSpan>, kind: number): ReceivedSpan | undefined {
  for (let current = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; current; current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined) {
    if (current.kind === kind) return current;
  }
  return undefined;
}
