// The app's metrics, one home for their names, units and meaning. The metrics API has no proxy meter (an
// instrument made before the SDK starts stays a no-op), so instruments are made on first use per provider.
import { metrics, trace, type Meter, type MeterProvider, type Tracer } from '@opentelemetry/api';

export const INSTRUMENTATION_SCOPE = 'assistants-functions-backend';

export function tracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

function create(meter: Meter) {
  // Seconds, as the semantic conventions ask of durations; bucket boundaries fit runs (seconds to minutes).
  const seconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
  return {
    /** Runs that reached a terminal status, by status and assistant key. */
    runs: meter.createCounter('app.run.count', { description: 'Runs that reached a terminal status', unit: '{run}' }),
    runDuration: meter.createHistogram('app.run.duration', { description: 'Run creation to terminal status', unit: 's', advice: { explicitBucketBoundaries: seconds } }),
    requiresActionDuration: meter.createHistogram('app.run.requires_action.duration', { description: 'Time a run spent in requires_action before it moved on', unit: 's', advice: { explicitBucketBoundaries: seconds } }),
    toolCalls: meter.createCounter('app.tool.calls', { description: 'Server tool executions by tool and outcome', unit: '{call}' }),
    toolDuration: meter.createHistogram('app.tool.duration', { description: 'Server tool execution time', unit: 's', advice: { explicitBucketBoundaries: seconds } }),
    upstreamCalls: meter.createCounter('app.upstream.calls', { description: 'HTTP requests to the model service', unit: '{request}' }),
    upstreamErrors: meter.createCounter('app.upstream.errors', { description: 'Failed requests to the model service, by kind', unit: '{request}' }),
    deliveryUpstreamCalls: meter.createHistogram('app.run.delivery.upstream_calls', { description: 'Requests to the model service made by one run-queue delivery', unit: '{request}', advice: { explicitBucketBoundaries: [0, 1, 2, 3, 5, 8, 13, 21, 50] } }),
    queueAge: meter.createHistogram('app.queue.message.age', { description: 'Time from enqueue to delivery (includes a requeue\'s visibility delay)', unit: 's', advice: { explicitBucketBoundaries: seconds } }),
    dequeueCount: meter.createHistogram('app.queue.dequeue_count', { description: 'Delivery attempt of a run-queue message (1 = first)', unit: '{delivery}', advice: { explicitBucketBoundaries: [1, 2, 3, 4, 5, 10] } }),
    sseConnections: meter.createUpDownCounter('app.sse.connections', { description: 'Open run-event streams', unit: '{connection}' }),
    sweepDeletions: meter.createCounter('app.sweep.deletions', { description: 'Objects the sweep deleted, by kind', unit: '{object}' }),
  };
}

export type Instruments = ReturnType<typeof create>;

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) cached = { provider, instruments: create(provider.getMeter(INSTRUMENTATION_SCOPE)) };
  return cached.instruments;
}
