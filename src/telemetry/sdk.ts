// The OpenTelemetry SDK, started from the typed config (bundled on its own as dist/telemetry.js, see start.ts):
//   APPLICATIONINSIGHTS_CONNECTION_STRING  @azure/monitor-opentelemetry (traces, metrics, logs), ingestion with
//                                          Entra ID (the managed identity AZURE_CLIENT_ID); plus OTLP when set
//   OTEL_EXPORTER_OTLP_ENDPOINT            the OTLP/HTTP exporters (http/protobuf, or http/json)
//   neither, or OTEL_SDK_DISABLED=true     not loaded at all: the API stays a no-op and costs nothing
// Either way the Azure Functions instrumentation (functions-hooks.ts) ties invocations to the host's trace.
import type * as AzureFunctions from '@azure/functions';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { diag, DiagLogLevel, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../config';
import { instrumentAzureFunctions } from './functions-hooks';
import { otlpExporters, type OtlpExporters, type OtlpSettings } from './otlp';

export type TelemetryConfig = Pick<
  Config,
  | 'APPLICATIONINSIGHTS_CONNECTION_STRING'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_HEADERS'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_RESOURCE_ATTRIBUTES'
  | 'OTEL_METRIC_EXPORT_INTERVAL'
  | 'OTEL_SDK_DISABLED'
  | 'AZURE_CLIENT_ID'
  | 'DEPLOYMENT_ID'
>;

export interface Telemetry {
  readonly exporter: 'azure-monitor' | 'otlp' | 'none';
  /** Exports what is buffered (the host calls this before the process ends). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK (call once; start.ts does). `azureFunctions` is the app's own @azure/functions module, which the
 * Functions instrumentation patches: this file is bundled apart from the app (dist/telemetry.js), so it must be
 * handed the app's instance rather than import a copy of its own.
 */
export function startSdk(config: TelemetryConfig, azureFunctions: typeof AzureFunctions): Telemetry {
  // The SDK's own complaints (an unreachable collector) go to the log at warn, never as exceptions.
  diag.setLogger({ error: console.warn, warn: console.warn, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  const resource = resourceFor(config);
  const otlp = config.OTEL_EXPORTER_OTLP_ENDPOINT ? otlpExporters(otlpSettings(config)) : undefined;
  const telemetry = config.APPLICATIONINSIGHTS_CONNECTION_STRING ? startAzureMonitor(config, resource, otlp) : startOtlp(config, resource, otlp!);
  instrumentAzureFunctions(azureFunctions);
  return telemetry;
}

function startOtlp(config: TelemetryConfig, resource: Resource, otlp: OtlpExporters): Telemetry {
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(otlp.traces)] });
  // Registers the W3C trace-context propagator and the AsyncLocalStorage context manager.
  tracerProvider.register();
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: otlp.metrics, exportIntervalMillis: config.OTEL_METRIC_EXPORT_INTERVAL, exportTimeoutMillis: Math.min(30_000, config.OTEL_METRIC_EXPORT_INTERVAL) })],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor(otlp.logs)] });
  logs.setGlobalLoggerProvider(loggerProvider);
  const providers = [tracerProvider, meterProvider, loggerProvider];
  return {
    exporter: 'otlp',
    flush: async () => void (await Promise.allSettled(providers.map((p) => p.forceFlush()))),
    shutdown: async () => void (await Promise.allSettled(providers.map((p) => p.shutdown()))),
  };
}

function startAzureMonitor(config: TelemetryConfig, resource: Resource, otlp: OtlpExporters | undefined): Telemetry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in Azure mode: the distro is large
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const credential = config.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: config.AZURE_CLIENT_ID }) : new DefaultAzureCredential();
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING, credential },
    resource,
    // Outgoing HTTP of the Azure SDKs (storage) and of node:http; the model service's calls are our own spans.
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true }, mongoDb: { enabled: false }, mySql: { enabled: false }, postgreSql: { enabled: false }, redis: { enabled: false }, redis4: { enabled: false } },
    ...(otlp ? { spanProcessors: [new BatchSpanProcessor(otlp.traces)], logRecordProcessors: [new BatchLogRecordProcessor(otlp.logs)] } : {}),
  });
  return {
    exporter: 'azure-monitor',
    flush: async () => {
      await Promise.allSettled([forceFlush(trace.getTracerProvider()), forceFlush(metrics.getMeterProvider())]);
    },
    shutdown: () => monitor.shutdownAzureMonitor(),
  };
}

function resourceFor(config: TelemetryConfig): Resource {
  return resourceFromAttributes({
    ...parseKeyValues(config.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': config.OTEL_SERVICE_NAME,
    'service.namespace': 'assistants',
    'service.instance.id': `${process.pid}`,
    'deployment.id': config.DEPLOYMENT_ID,
  });
}

function otlpSettings(config: TelemetryConfig): OtlpSettings {
  return { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT!, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL, headers: parseKeyValues(config.OTEL_EXPORTER_OTLP_HEADERS) };
}

/** The OTel `key=value,key2=value2` list format (values percent-decoded). */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const key = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    try {
      if (key) out[key] = decodeURIComponent(value);
    } catch {
      if (key) out[key] = value;
    }
  }
  return out;
}

async function forceFlush(provider: unknown): Promise<void> {
  const flush = (provider as { forceFlush?: () => Promise<void> }).forceFlush;
  if (typeof flush === 'function') await flush.call(provider);
}
