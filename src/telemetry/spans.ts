// Running work inside a span, and reading/writing W3C trace context. Errors mark the span with `error.type`
// (an error class or code, never its message: messages can carry user text or upstream details).
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type SpanKind } from '@opentelemetry/api';
import { ATTR } from './attributes';
import { tracer } from './instruments';

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Default: the active context. */
  parent?: Context;
}

export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function markFailed(span: Span, error: unknown): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The error's code (AppError, SDK errors) or class name: bounded, and free of user text. */
export function errorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(name)) return name;
  }
  return 'Error';
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value) && !/^[0-9a-f]{2}-0{32}-/.test(value) && !/-0{16}-[0-9a-f]{2}$/.test(value);
}

/** A context whose remote parent is `traceparent` (undefined when it is absent or malformed). */
export function contextFrom(traceparent: string | null | undefined, tracestate?: string | null): Context | undefined {
  if (!isTraceparent(traceparent)) return undefined;
  const carrier: Record<string, string> = { traceparent, ...(tracestate ? { tracestate } : {}) };
  const extracted = propagation.extract(ROOT_CONTEXT, carrier);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The active span as a `traceparent` (undefined without a recording SDK). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return isTraceparent(carrier.traceparent) ? carrier.traceparent : undefined;
}

/** The span that encloses the current work (e.g. the HTTP or delivery span around a ledger call). */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}
