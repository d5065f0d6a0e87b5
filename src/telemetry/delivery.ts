// One run-queue delivery as a consumer span. Its parent is the traceparent the message carries (the span that
// queued it: the HTTP start, or the previous generation's requeue), so every delivery of one run is in the run's
// one trace; the Functions host's own invocation context, a trace of its own for queue triggers, is a link.
// Also records queue age and dequeue count, and how many upstream requests the delivery made.
import { context, createContextKey, SpanKind, trace, type Context, type Link } from '@opentelemetry/api';
import type { RunQueueMessage } from '../runs/run-facts';
import { ATTR, MESSAGING_SYSTEM } from './attributes';
import { instruments } from './instruments';
import { contextFrom, inSpan } from './spans';

/** What the adapter knows of the delivery: the trigger's metadata and the host's trace context. */
export interface Delivery {
  queueName: string;
  message: RunQueueMessage;
  invocationId?: string;
  /** The host's trace context for this invocation (InvocationContext.traceContext). */
  hostTraceContext?: { traceParent?: string | null; traceState?: string | null };
  triggerMetadata?: Record<string, unknown>;
  now: () => number;
}

/** Counts upstream requests made inside one delivery (read by the upstream fetch wrapper). */
const UPSTREAM_CALLS = createContextKey('app.delivery.upstream_calls');

export function countUpstreamCall(ctx: Context = context.active()): void {
  const counter = ctx.getValue(UPSTREAM_CALLS) as { calls: number } | undefined;
  if (counter) counter.calls += 1;
}

export async function traceDelivery<T>(delivery: Delivery, work: () => Promise<T>): Promise<T> {
  const { message, queueName } = delivery;
  const host = contextFrom(delivery.hostTraceContext?.traceParent, delivery.hostTraceContext?.traceState);
  const queued = contextFrom(message.traceparent);
  const hostSpan = host ? trace.getSpanContext(host) : undefined;
  // Parent: the run's trace. The host's invocation, when it is another trace, is linked instead.
  const parent = queued ?? host ?? context.active();
  const links: Link[] = queued && hostSpan ? [{ context: hostSpan, attributes: { 'app.link': 'functions_host_invocation' } }] : [];
  const dequeueCount = numberOf(delivery.triggerMetadata?.dequeueCount);
  const insertedAt = timeOf(delivery.triggerMetadata?.insertionTime);
  const metricAttributes = { [ATTR.messagingDestination]: queueName };
  if (dequeueCount !== undefined) instruments().dequeueCount.record(dequeueCount, metricAttributes);
  if (insertedAt !== undefined) instruments().queueAge.record(Math.max(0, delivery.now() - insertedAt) / 1000, metricAttributes);

  const counter = { calls: 0 };
  try {
    return await inSpan(
      `process ${queueName}`,
      {
        kind: SpanKind.CONSUMER,
        parent: parent.setValue(UPSTREAM_CALLS, counter),
        links,
        attributes: {
          [ATTR.messagingSystem]: MESSAGING_SYSTEM,
          [ATTR.messagingDestination]: queueName,
          [ATTR.messagingOperationType]: 'process',
          [ATTR.threadId]: message.threadId,
          [ATTR.runId]: message.runId,
          [ATTR.runGeneration]: message.generation,
          [ATTR.faasTrigger]: 'pubsub',
          ...(delivery.invocationId ? { [ATTR.faasInvocationId]: delivery.invocationId } : {}),
          ...(typeof delivery.triggerMetadata?.id === 'string' ? { [ATTR.messagingMessageId]: delivery.triggerMetadata.id } : {}),
          ...(dequeueCount !== undefined ? { [ATTR.dequeueCount]: dequeueCount } : {}),
        },
      },
      work,
    );
  } finally {
    instruments().deliveryUpstreamCalls.record(counter.calls, metricAttributes);
  }
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function timeOf(value: unknown): number | undefined {
  const t = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : undefined;
}
