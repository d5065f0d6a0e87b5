// Turns the app's registrations into the host's triggers: HTTP routes, queue listeners and timers, with every
// %SETTING% expression, connection, route and schedule checked up front. Bindings the local host cannot
// serve fail startup with the function's name rather than being silently ignored.
import { parseAuthLevel } from './http/auth';
import type { ManualInvoke } from './http/admin';
import type { RpcBindingInfo } from './worker/core-types';
import type { HostJson } from './host-json';
import type { HttpRoute } from './http/server';
import type { Invoker } from './worker/invoke';
import type { QueueServices } from './queues/connection';
import { isQueueOutput, type QueueOutputs } from './queues/output';
import { createQueueTrigger, type QueueTrigger } from './queues/trigger';
import type { AppRegistry, RegisteredFunction } from './worker/registry';
import { RouteTable } from './http/routes';
import { resolveBindingExpression, type SettingsSource } from './settings';
import { parseSchedule } from './timers/schedule';
import { TimerTrigger } from './timers/trigger';

export interface FunctionSummary {
  name: string;
  trigger: 'httpTrigger' | 'queueTrigger' | 'timerTrigger';
  /** HTTP: methods and route template (prefix included); queue: queue name; timer: schedule. */
  methods?: string[];
  route?: string;
  queueName?: string;
  schedule?: string;
}

export interface Triggers {
  routes: RouteTable<HttpRoute>;
  queues: QueueTrigger[];
  timers: TimerTrigger[];
  manual: Map<string, ManualInvoke>;
  httpFunctions: Set<string>;
  summaries: FunctionSummary[];
}

export function buildTriggers(deps: {
  registry: AppRegistry;
  hostJson: HostJson;
  settings: SettingsSource;
  services: QueueServices;
  outputs: QueueOutputs;
  invoker: Invoker;
  track: (work: Promise<void>) => Promise<void>;
}): Triggers {
  const triggers: Triggers = { routes: new RouteTable(), queues: [], timers: [], manual: new Map(), httpFunctions: new Set(), summaries: [] };
  const problems: string[] = [];
  for (const fn of deps.registry.functions.values()) {
    try {
      addFunction(fn, deps, triggers);
    } catch (error) {
      problems.push(`Function '${fn.name}': ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return triggers;
}

function addFunction(fn: RegisteredFunction, deps: Parameters<typeof buildTriggers>[0], triggers: Triggers): void {
  const entries = Object.entries(fn.bindings);
  const triggerEntries = entries.filter(([, b]) => b.direction === 'in' && /trigger$/i.test(b.type ?? ''));
  if (triggerEntries.length !== 1) throw new Error(`expected exactly one trigger binding, found ${triggerEntries.length}`);
  const [triggerName, binding] = triggerEntries[0]!;
  const type = binding.type!.toLowerCase();
  for (const [name, other] of entries) {
    if (other === binding || isQueueOutput(other) || (type === 'httptrigger' && other.direction === 'out' && other.type?.toLowerCase() === 'http')) continue;
    throw new Error(`binding "${name}" of type ${other.type} (${other.direction}) is not supported by the local functions host`);
  }
  deps.outputs.prepare(fn);

  if (type === 'httptrigger') return addHttp(fn, triggerName, binding, deps.hostJson.routePrefix, triggers);
  if (type === 'queuetrigger') {
    const queue = createQueueTrigger({ fn, triggerName, binding, settings: deps.settings, queues: deps.hostJson.queues, services: deps.services, invoker: deps.invoker, registry: deps.registry, track: deps.track });
    triggers.queues.push(queue);
    triggers.manual.set(fn.name, queue.invokeWith);
    triggers.summaries.push({ name: fn.name, trigger: 'queueTrigger', queueName: queue.queueName });
    return;
  }
  if (type === 'timertrigger') {
    const expression = resolveBindingExpression(String(binding.schedule ?? ''), deps.settings);
    const schedule = parseSchedule(expression, { timeZone: deps.settings.WEBSITE_TIME_ZONE || undefined });
    const timer = new TimerTrigger({ fn, triggerName, schedule, runOnStartup: binding.runOnStartup === true, invoker: deps.invoker });
    triggers.timers.push(timer);
    triggers.manual.set(fn.name, () => timer.invokeNow());
    triggers.summaries.push({ name: fn.name, trigger: 'timerTrigger', schedule: schedule.expression });
    return;
  }
  throw new Error(`trigger type ${binding.type} is not supported by the local functions host (HTTP, storage queue and timer triggers are)`);
}

function addHttp(fn: RegisteredFunction, triggerName: string, binding: RpcBindingInfo, routePrefix: string, triggers: Triggers): void {
  const route = String(binding.route ?? fn.name).replace(/^\/+/, '');
  const template = [routePrefix, route].filter(Boolean).join('/');
  // No methods means every method, as in the host.
  const listed = Array.isArray(binding.methods) ? (binding.methods as string[]).map((m) => m.toUpperCase()) : [];
  const methods = listed.length > 0 ? listed : ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'];
  triggers.routes.add(template, methods, { fn, triggerName, authLevel: parseAuthLevel(binding.authLevel) });
  triggers.httpFunctions.add(fn.name);
  triggers.summaries.push({ name: fn.name, trigger: 'httpTrigger', methods: listed.length > 0 ? listed : ['ALL'], route: template });
}
