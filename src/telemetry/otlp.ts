// The OTLP/HTTP exporters for traces, metrics and logs, in the configured encoding: http/protobuf (the OTLP
// default) or http/json. The signal paths are appended to the base endpoint, as the OTLP exporter spec says.
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Config } from '../config';

export interface OtlpSettings {
  endpoint: string;
  protocol: Config['OTEL_EXPORTER_OTLP_PROTOCOL'];
  headers: Record<string, string>;
}

export type OtlpExporters = ReturnType<typeof otlpExporters>;

export function otlpExporters(settings: OtlpSettings) {
  const base = settings.endpoint.replace(/\/+$/, '');
  const options = (signal: string) => ({ url: `${base}/v1/${signal}`, headers: settings.headers });
  const json = settings.protocol === 'http/json';
  return {
    traces: json ? new JsonTraceExporter(options('traces')) : new ProtoTraceExporter(options('traces')),
    metrics: json ? new JsonMetricExporter(options('metrics')) : new ProtoMetricExporter(options('metrics')),
    logs: json ? new JsonLogExporter(options('logs')) : new ProtoLogExporter(options('logs')),
  };
}
