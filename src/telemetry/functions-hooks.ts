// @azure/functions-opentelemetry-instrumentation, applied to the bundled @azure/functions. The instrumentation
// normally patches the module when it is `require`d (require-in-the-middle), but esbuild bundles @azure/functions
// into dist/main.js, so no such require ever happens: its module definition's patch is called here instead, on
// the module the app itself uses. What it does (read from its source, v0.2.0):
//   - app.setup({ capabilities: { WorkerOpenTelemetryEnabled: true } }): the host stops forwarding the worker's
//     logs, because the app exports them itself (the logs SDK started in sdk.ts);
//   - app.hook.log: every context.log line becomes an OpenTelemetry log record (with the active trace ids);
//   - app.hook.preInvocation: the handler runs inside the host's invocation trace context
//     (InvocationContext.traceContext), so the app's spans are children of the host's invocation span.
// Locally, local/functions-host builds that trace context per invocation as the real host does.
import type * as AzureFunctions from '@azure/functions';
import { AzureFunctionsInstrumentation } from '@azure/functions-opentelemetry-instrumentation';
import { logs } from '@opentelemetry/api-logs';

let applied = false;

export function instrumentAzureFunctions(azureFunctions: typeof AzureFunctions): void {
  if (applied) return;
  applied = true;
  // Not enabled: enabling would only install the require hook that never fires in a bundle.
  const instrumentation = new AzureFunctionsInstrumentation({ enabled: false });
  // Its logger was taken at construction; hand it the provider sdk.ts registered.
  instrumentation.setLoggerProvider?.(logs.getLoggerProvider());
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name === '@azure/functions') definition.patch?.(azureFunctions as never);
  }
}
