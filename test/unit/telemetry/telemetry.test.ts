// The telemetry wrappers' logic without servers: an in-memory span exporter stands in for a collector.
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { invocationTraceContext } from '../../../local/functions-host/worker/trace-context';
import { parseQueuedRunMessage, type RunQueueMessage } from '../../../src/runs/run-facts';
import type { RunQueue } from '../../../src/store/run-queue';
import { traceDelivery, tracedRunQueue } from '../../../src/telemetry';
import { parseKeyValues } from '../../../src/telemetry/sdk';
import { pathTemplate, statusKind } from '../../../src/telemetry/upstream-fetch';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

function memoryQueue(): RunQueue & { sent: RunQueueMessage[] } {
  const sent: RunQueueMessage[] = [];
  return { name: 'runs', sent, send: async (message) => void sent.push(message), peekAll: async () => sent, receive: async () => [], delete: async () => undefined };
}

describe('run queue message traceparent', () => {
  it('is optional, so messages queued before it still parse', () => {
    expect(parseQueuedRunMessage('{"threadId":"thread_1","runId":"run_1","generation":2}')).toMatchObject({ threadId: 'thread_1', runId: 'run_1', generation: 2 });
    expect(parseQueuedRunMessage({ threadId: 't', runId: 'r', attempt: 1 }).generation).toBe(1);
  });

  it('is kept when valid and dropped (not fatal) when malformed', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseQueuedRunMessage({ threadId: 't', runId: 'r', generation: 0, traceparent }).traceparent).toBe(traceparent);
    expect(parseQueuedRunMessage({ threadId: 't', runId: 'r', generation: 0, traceparent: 'not a traceparent' }).traceparent).toBeUndefined();
  });
});

describe('tracedRunQueue and traceDelivery', () => {
  it('carry the sender span across the queue: the delivery is its child and links the host invocation', async () => {
    const queue = memoryQueue();
    const traced = tracedRunQueue(queue);
    const outer = trace.getTracer('test').startSpan('http start');
    await context.with(trace.setSpan(context.active(), outer), () => traced.send({ threadId: 't', runId: 'r', generation: 0 }));
    outer.end();
    const message = queue.sent[0]!;
    const send = exporter.getFinishedSpans().find((span) => span.name === 'send runs')!;
    expect(message.traceparent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
    expect(send.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);

    const host = invocationTraceContext();
    const result = await traceDelivery({ queueName: 'runs', message, hostTraceContext: host, triggerMetadata: { dequeueCount: 1, insertionTime: new Date(0).toISOString() }, now: () => 1_000 }, async () => 'done');
    expect(result).toBe('done');
    const delivery = exporter.getFinishedSpans().find((span) => span.name === 'process runs')!;
    expect(delivery.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(delivery.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(delivery.links.map((link) => `00-${link.context.traceId}-${link.context.spanId}-01`)).toEqual([host.traceParent]);
    expect(delivery.attributes).toMatchObject({ 'app.run_id': 'r', 'app.thread_id': 't', 'app.queue.dequeue_count': 1 });
  });

  it('a wake-up naming the run\'s trace is sent in that trace, linked to the request that sent it', async () => {
    const queue = memoryQueue();
    const runStart = '00-11111111111111111111111111111111-2222222222222222-01';
    const request = trace.getTracer('test').startSpan('POST tool_outputs');
    await context.with(trace.setSpan(context.active(), request), () => tracedRunQueue(queue).send({ threadId: 't', runId: 'r', generation: 3, traceparent: runStart }));
    request.end();
    const send = exporter.getFinishedSpans().find((span) => span.name === 'send runs')!;
    expect(send.spanContext().traceId).toBe('11111111111111111111111111111111');
    expect(send.parentSpanContext?.spanId).toBe('2222222222222222');
    expect(send.links.map((link) => link.context.spanId)).toEqual([request.spanContext().spanId]);
    expect(queue.sent[0]!.traceparent).toBe(`00-11111111111111111111111111111111-${send.spanContext().spanId}-01`);
  });

  it('a message without a traceparent continues the host invocation trace instead', async () => {
    const host = invocationTraceContext();
    await traceDelivery({ queueName: 'runs', message: { threadId: 't', runId: 'r', generation: 1 }, hostTraceContext: host, now: Date.now }, async () => undefined);
    const delivery = exporter.getFinishedSpans().find((span) => span.name === 'process runs')!;
    expect(`00-${delivery.spanContext().traceId}-${delivery.parentSpanContext?.spanId}-01`).toBe(host.traceParent);
    expect(delivery.links).toEqual([]);
  });

  it('a failing delivery marks its span with the error type, never the message', async () => {
    const failure = Object.assign(new Error('user text that must not leak'), { code: 'upstream_unavailable' });
    await expect(traceDelivery({ queueName: 'runs', message: { threadId: 't', runId: 'r', generation: 0 }, now: Date.now }, async () => Promise.reject(failure))).rejects.toBe(failure);
    const delivery = exporter.getFinishedSpans().find((span) => span.name === 'process runs')!;
    expect(delivery.attributes['error.type']).toBe('upstream_unavailable');
    expect(JSON.stringify({ attributes: delivery.attributes, status: delivery.status, events: delivery.events })).not.toContain('user text');
  });
});

describe('the local host trace context', () => {
  it('continues an incoming traceparent with a span of its own, or starts a new trace', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = invocationTraceContext({ traceparent: incoming });
    expect(child.traceParent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(child.traceParent).not.toBe(incoming);
    const fresh = invocationTraceContext({ traceparent: 'garbage' });
    expect(fresh.traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh.traceParent).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('attribute helpers', () => {
  it('template ids out of upstream paths', () => {
    expect(pathTemplate('/v1/threads/thread_abc123XYZ/runs/run_def456/submit_tool_outputs')).toBe('/v1/threads/{id}/runs/{id}/submit_tool_outputs');
    expect(pathTemplate('/openai/deployments/gpt-4o/chat/completions')).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(pathTemplate('/v1/conversations/conv_68a1b2c3d4/items')).toBe('/v1/conversations/{id}/items');
  });

  it('name upstream error kinds', () => {
    expect([429, 401, 403, 404, 408, 500, 503, 400].map(statusKind)).toEqual(['rate_limited', 'auth', 'auth', 'not_found', 'timeout', 'server_error', 'server_error', 'client_error']);
  });

  it('parse OTEL key=value lists', () => {
    expect(parseKeyValues('a=1, b = two ,c=x%3Dy,broken')).toEqual({ a: '1', b: 'two', c: 'x=y' });
    expect(parseKeyValues(undefined)).toEqual({});
  });
});
