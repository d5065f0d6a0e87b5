// Starts telemetry once per process, before any function runs. The SDK (sdk.ts and everything it pulls in: the
// exporters, the Azure Monitor distro) is bundled apart from the app as dist/telemetry.js and loaded only when an
// exporter is configured, so a process without one keeps the app's cold load and memory (the SDK is larger than
// the app). Run from sources (tsx, tests), the same module is loaded from src/telemetry/sdk.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as azureFunctions from '@azure/functions';
import type { Telemetry, TelemetryConfig } from './sdk';

/** The SDK bundle's file name beside dist/main.js (scripts/build.mjs builds it). */
export const TELEMETRY_BUNDLE = 'telemetry.js';

let started: Telemetry | undefined;

export function startTelemetry(config: TelemetryConfig): Telemetry {
  started ??= start(config);
  return started;
}

function start(config: TelemetryConfig): Telemetry {
  const wanted = !config.OTEL_SDK_DISABLED && Boolean(config.APPLICATIONINSIGHTS_CONNECTION_STRING || config.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!wanted) return { exporter: 'none', flush: async () => undefined, shutdown: async () => undefined };
  const bundled = path.join(__dirname, TELEMETRY_BUNDLE);
  // A computed path: the bundler leaves this require alone instead of inlining the SDK into the app.
  const load = require as (id: string) => unknown;
  const sdk = load(existsSync(bundled) ? bundled : path.join(__dirname, 'sdk')) as typeof import('./sdk');
  return sdk.startSdk(config, azureFunctions);
}
