// The W3C trace context the host hands each invocation (RpcInvocationRequest.traceContext), as the real host does
// from the Activity it starts per invocation: a child of the caller's `traceparent` for HTTP triggers, a new trace
// otherwise (queue messages and timers carry none the host reads). The host's own span is not exported here, so
// the app's spans name a parent that no collector has; in Azure the host exports it (telemetryMode OpenTelemetry).
import { randomBytes } from 'node:crypto';
import type { RpcInvocationRequest } from './core-types';

export type RpcTraceContext = NonNullable<RpcInvocationRequest['traceContext']>;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function invocationTraceContext(incoming?: Record<string, string | string[] | undefined>): RpcTraceContext {
  const header = first(incoming?.traceparent)?.trim().toLowerCase();
  const match = header ? TRACEPARENT.exec(header) : null;
  const traceId = match && !/^0+$/.test(match[2]!) && match[1] !== 'ff' ? match[2]! : randomBytes(16).toString('hex');
  const flags = match ? match[4]! : '01';
  const state = match ? first(incoming?.tracestate) : undefined;
  return { traceParent: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`, traceState: state ?? null, attributes: {} };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
