// The local Functions host in one process: app settings, host.json, the app loaded with `@azure/functions-core`
// provided, worker-style startup (appStart hooks, capabilities), then the HTTP server, queue listeners and
// timers; stop() drains in-flight invocations (bounded) and runs appTerminate hooks.
import Module from 'node:module';
import path from 'node:path';
import { createAdminHandler } from './http/admin';
import { keysFromSettings } from './http/auth';
import { createCoreApi } from './worker/core-api';
import type { AppStartContext, HookContext } from './worker/core-types';
import { readHostJson } from './host-json';
import http from 'node:http';
import { answerClientErrors, closeServer, listen } from '../shared/http';
import { httpLimitsFromSettings, MAX_REQUEST_HEADER_BYTES } from './http/limits';
import { createRequestListener } from './http/server';
import { InFlight } from './worker/in-flight';
import { createInvoker } from './worker/invoke';
import { createHostLog, type LogWriter } from './logs';
import { provideCoreModule } from './worker/module-intercept';
import { QueueServices } from './queues/connection';
import { QueueOutputs } from './queues/output';
import { AppRegistry } from './worker/registry';
import { applySettings, readLocalSettings } from './settings';
import { buildTriggers, type FunctionSummary } from './triggers';
import { getWorkerCapabilities } from './worker/capabilities';

export interface HostOptions {
  /** The app's entry file (CommonJS), e.g. dist/main.js. */
  appPath: string;
  /** Folder with host.json (and, by default, local.settings.json). */
  scriptRoot: string;
  port: number;
  /** local.settings.json to read `Values` from; default `<scriptRoot>/local.settings.json`. */
  settingsPath?: string;
  /** How long stop() waits for running invocations. */
  shutdownTimeoutMs?: number;
  write?: LogWriter;
}

export interface RunningHost {
  url: string;
  port: number;
  routePrefix: string;
  functions: FunctionSummary[];
  stop(): Promise<void>;
}

/** Kestrel's MaxRequestHeadersTotalSize. */

/** Startup failures the CLI reports as a message (no stack) before exiting 1. */
export class HostStartupError extends Error {
  override name = 'HostStartupError';
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const scriptRoot = path.resolve(options.scriptRoot);
  const appPath = path.resolve(options.appPath);
  const settings = process.env;
  const hostJson = startupStep('Invalid configuration', () => {
    applySettings(settings, readLocalSettings(options.settingsPath ?? path.join(scriptRoot, 'local.settings.json')));
    return readHostJson(scriptRoot);
  });
  const log = createHostLog({ levels: hostJson.logLevels, write: options.write });
  const registry = new AppRegistry(log);
  provideCoreModule(createCoreApi(registry));

  startupStep(`Worker was unable to load entry point "${options.appPath}"`, () => {
    registry.currentEntryPoint = appPath;
    try {
      Module.createRequire(appPath)(appPath);
    } finally {
      registry.currentEntryPoint = undefined;
    }
  });
  const appStart: AppStartContext = { hookData: registry.appLevelOnlyHookData, appHookData: registry.appHookData, functionAppDirectory: scriptRoot };
  await startupStepAsync('An appStart hook failed', () => registry.runHooks('appStart', appStart));
  const capabilities = await startupStepAsync('The programming model failed to start', () => getWorkerCapabilities(registry.programmingModel));
  registry.lock();

  const inFlight = new InFlight();
  const services = new QueueServices();
  const listenersByQueue = new Map<string, { notify(): void }>();
  const outputs = new QueueOutputs(services, settings, hostJson.queues.messageEncoding, (queue) => listenersByQueue.get(queue.url)?.notify());
  const invoker = createInvoker({ registry, inFlight, deliverOutputs: outputs.deliver, functionTimeoutMs: hostJson.functionTimeoutMs });
  const track = (work: Promise<void>) => inFlight.track(work);
  const triggers = startupStep('The functions host cannot index the app', () => buildTriggers({ registry, hostJson, settings, services, outputs, invoker, track }));
  for (const { listener } of triggers.queues) listenersByQueue.set(listener.url, listener);

  await startupStepAsync('Storage queues are not reachable', () => Promise.all(triggers.queues.map(({ listener }) => listener.ensureQueue())));

  const keys = keysFromSettings(settings);
  const limits = startupStep('Invalid configuration', () => httpLimitsFromSettings(settings));
  const listener = createRequestListener({
    routes: triggers.routes,
    keys,
    invoker,
    workerHttpUri: capabilities.HttpUri ? new URL(capabilities.HttpUri) : undefined,
    admin: createAdminHandler({ keys, invokers: triggers.manual, httpFunctions: triggers.httpFunctions, maxBodyBytes: limits.maxRequestBodyBytes }),
    limits,
    onError: (message) => log.host('error', message),
  });
  // Kestrel's header limit (32 KB in all); above it, and for requests the parser rejects, 431/400 in the envelope.
  const httpServer = http.createServer({ maxHeaderSize: MAX_REQUEST_HEADER_BYTES }, listener);
  answerClientErrors(httpServer);
  const { server, port } = await startupStepAsync(`Cannot listen on 127.0.0.1:${options.port}`, () => listen(httpServer, { port: options.port }));
  for (const { listener } of triggers.queues) listener.start();
  for (const timer of triggers.timers) timer.start();

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    routePrefix: hostJson.routePrefix,
    functions: triggers.summaries,
    stop: () =>
      (stopping ??= (async () => {
        log.host('information', 'Stopping the functions host...');
        // Running requests finish; their connections are closed once the drain is over.
        void closeServer(server);
        triggers.timers.forEach((timer) => timer.stop());
        await Promise.all(triggers.queues.map(({ listener }) => listener.stop()));
        const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
        if (!(await inFlight.drain(timeoutMs))) log.host('warning', `${inFlight.size} invocation(s) still running after ${timeoutMs} ms; stopping anyway.`);
        const appTerminate: HookContext = { hookData: registry.appLevelOnlyHookData, appHookData: registry.appHookData };
        try {
          await registry.runHooks('appTerminate', appTerminate);
        } catch (error) {
          log.host('error', `An appTerminate hook failed: ${(error as Error).message}`);
        }
        server.closeAllConnections();
      })()),
  };
}

function startupStep<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new HostStartupError(`${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

async function startupStepAsync<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new HostStartupError(`${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}
