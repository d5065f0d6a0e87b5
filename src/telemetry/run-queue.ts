// The run queue, traced: each send is a producer span, and the message carries that span's W3C traceparent,
// so the delivery that follows the run (src/telemetry/delivery.ts) continues the run's one trace. A message
// that already names a traceparent keeps it.
import { SpanKind } from '@opentelemetry/api';
import type { RunQueue } from '../store/run-queue';
import { ATTR, MESSAGING_SYSTEM } from './attributes';
import { currentTraceparent, inSpan } from './spans';

export function tracedRunQueue(queue: RunQueue): RunQueue {
  return {
    get name() {
      return queue.name;
    },
    peekAll: () => queue.peekAll(),
    receive: (opts) => queue.receive(opts),
    delete: (received) => queue.delete(received),
    send: (message, opts) =>
      inSpan(
        `send ${queue.name}`,
        {
          kind: SpanKind.PRODUCER,
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
          const traceparent = message.traceparent ?? currentTraceparent();
          await queue.send(traceparent ? { ...message, traceparent } : message, opts);
        },
      ),
  };
}
