// OpenTelemetry for the app: the SDK (sdk.ts), and the thin wrappers the composition root puts around the
// seams a run crosses: HTTP invocations, the run queue, deliveries, tools, the ledger and upstream fetch.
export { startTelemetry } from './start';
export type { Telemetry, TelemetryConfig } from './sdk';
export { tracedHttpHandler } from './http';
export { tracedRunQueue } from './run-queue';
export { traceDelivery, type Delivery } from './delivery';
export { tracedTools } from './tools';
export { tracedLedger } from './ledger';
export { tracedUpstreamFetch } from './upstream-fetch';
export { tracedToolFetch } from './tool-fetch';
export { recordSweep, trackSseConnection } from './app-metrics';
