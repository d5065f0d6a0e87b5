// The run queue, traced: each send is a producer span, and the message carries that span's W3C traceparent,
// so the delivery that follows the run (src/telemetry/delivery.ts) continues the run's one trace. A message sent
// with a traceparent (a wake-up naming the run's trace, from another request) has its send span in that trace,
// linked to the request that sent it.
import { SpanKind, trace, type Context, type Link } from '@opentelemetry/api';
import type { RunQueue } from '../store/run-queue';
import { ATTR, MESSAGING_SYSTEM } from './attributes';
import { activeSpan, contextFrom, currentTraceparent, inSpan } from './spans';

export function tracedRunQueue(queue: RunQueue): RunQueue {
  return {
    get name() {
      return queue.name;
    },
    peekAll: () => queue.peekAll(),
    receive: (opts) => queue.receive(opts),
    delete: (received) => queue.delete(received),
    send: (message, opts) => {
      const { parent, links } = runTrace(message.traceparent);
      return inSpan(
        `send ${queue.name}`,
        {
          kind: SpanKind.PRODUCER,
          ...(parent ? { parent } : {}),
          links,
          attributes: {
            [ATTR.messagingSystem]: MESSAGING_SYSTEM,
            [ATTR.messagingDestination]: queue.name,
            [ATTR.messagingOperationType]: 'send',
            [ATTR.threadId]: message.threadId,
            [ATTR.runId]: message.runId,
            [ATTR.runGeneration]: message.generation,
          },
        },
        async () => {
          // The send span itself: the delivery becomes its child.
          const traceparent = currentTraceparent() ?? message.traceparent;
          await queue.send(traceparent ? { ...message, traceparent } : message, opts);
        },
      );
    },
  };
}

/** The run's trace named by the message, when it is not the current one; the current span is then a link. */
function runTrace(traceparent: string | undefined): { parent?: Context; links: Link[] } {
  const named = contextFrom(traceparent);
  const current = activeSpan()?.spanContext();
  const namedSpan = named ? trace.getSpanContext(named) : undefined;
  if (!named || !namedSpan || current?.traceId === namedSpan.traceId) return { links: [] };
  return { parent: named, links: current && trace.isSpanContextValid(current) ? [{ context: current, attributes: { 'app.link': 'sent_by' } }] : [] };
}
