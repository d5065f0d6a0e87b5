// A small OTLP/HTTP collector for tests: accepts OTLP/JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) on /v1/traces,
// /v1/metrics and /v1/logs, keeps every request body, and flattens them into spans, metric data points and log
// records. It answers protobuf with 415, so a misconfigured exporter shows up as missing data, not as garbage.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type OtlpValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: OtlpValue[] }; kvlistValue?: { values?: OtlpAttribute[] } };
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  status?: { code?: number };
  resource: Record<string, unknown>;
}

export interface ReceivedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  /** Sum/gauge value, or a histogram's count. */
  value: number;
}

export interface OtlpReceiver {
  url: string;
  /** Every request body as received (decoded JSON), by signal. */
  bodies: Record<'traces' | 'metrics' | 'logs', unknown[]>;
  spans(): ReceivedSpan[];
  points(): ReceivedPoint[];
  logRecords(): Array<{ body: unknown; traceId?: string; spanId?: string; attributes: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: OtlpReceiver['bodies'] = { traces: [], metrics: [], logs: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signal = /^\/v1\/(traces|metrics|logs)$/.exec(req.url ?? '')?.[1] as keyof typeof bodies | undefined;
      if (req.method !== 'POST' || !signal) return void res.writeHead(404).end();
      if (!/json/.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      try {
        bodies[signal].push(JSON.parse(raw.toString('utf8')));
      } catch {
        return void res.writeHead(400).end();
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    bodies,
    spans: () =>
      bodies.traces.flatMap((body) =>
        list(body, 'resourceSpans').flatMap((rs) => {
          const resource = attributes(get(rs, 'resource', 'attributes'));
          return list(rs, 'scopeSpans').flatMap((ss) =>
            list(ss, 'spans').map((span) => ({
              traceId: String(span.traceId),
              spanId: String(span.spanId),
              ...(span.parentSpanId ? { parentSpanId: String(span.parentSpanId) } : {}),
              name: String(span.name),
              kind: Number(span.kind),
              attributes: attributes(span.attributes),
              links: list(span, 'links').map((link) => ({ traceId: String(link.traceId), spanId: String(link.spanId), attributes: attributes(link.attributes) })),
              status: span.status as { code?: number } | undefined,
              resource,
            })),
          );
        }),
      ),
    points: () =>
      bodies.metrics.flatMap((body) =>
        list(body, 'resourceMetrics').flatMap((rm) =>
          list(rm, 'scopeMetrics').flatMap((sm) =>
            list(sm, 'metrics').flatMap((metric) => {
              const data = (metric.sum ?? metric.gauge ?? metric.histogram) as Record<string, unknown> | undefined;
              return list(data, 'dataPoints').map((point) => ({
                metric: String(metric.name),
                attributes: attributes(point.attributes),
                value: Number(point.asInt ?? point.asDouble ?? point.count ?? 0),
              }));
            }),
          ),
        ),
      ),
    logRecords: () =>
      bodies.logs.flatMap((body) =>
        list(body, 'resourceLogs').flatMap((rl) =>
          list(rl, 'scopeLogs').flatMap((sl) =>
            list(sl, 'logRecords').map((record) => ({
              body: valueOf(record.body as OtlpValue | undefined),
              ...(record.traceId ? { traceId: String(record.traceId) } : {}),
              ...(record.spanId ? { spanId: String(record.spanId) } : {}),
              attributes: attributes(record.attributes),
            })),
          ),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Json = Record<string, unknown>;

function list(value: unknown, key: string): Json[] {
  const items = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return Array.isArray(items) ? (items as Json[]) : [];
}

function get(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), value);
}

function attributes(value: unknown): Record<string, unknown> {
  return Object.fromEntries((Array.isArray(value) ? (value as OtlpAttribute[]) : []).map((a) => [a.key, valueOf(a.value)]));
}

function valueOf(value: OtlpValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue) return attributes(value.kvlistValue.values);
  return undefined;
}
