// What the app registered through the core API during startup: functions, hooks, the programming model.
// Mirrors the Node.js worker's AppContext: registration is only allowed until startup finishes.
import type { FunctionCallback, FunctionMetadata, HookCallback, HookContext, HookData, LogHookContext, ProgrammingModel, RpcBindingInfo } from './core-types';
import { Disposable } from './disposable';
import type { HostLog, LogEntry } from '../logs';

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
const HOOK_NAMES: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];

export interface RegisteredFunction {
  id: string;
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  callback: FunctionCallback;
  /** File that was loading when the function registered (the worker reports it as scriptFile). */
  scriptFile?: string;
}

export class AppRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  /** Shared by every hook (`appHookData`). */
  readonly appHookData: HookData = {};
  /** `hookData` of app-level hooks (appStart, appTerminate). */
  readonly appLevelOnlyHookData: HookData = {};
  programmingModel: ProgrammingModel | undefined;
  currentEntryPoint: string | undefined;
  #locked = false;
  readonly #hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((name) => [name, []]));

  constructor(private readonly hostLog: HostLog) {}

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#locked) throw new Error('A function can only be registered during app startup.');
    const id = metadata.functionId || metadata.name;
    if (this.functions.has(id)) throw new Error(`A function with id "${id}" has already been registered.`);
    this.functions.set(id, { id, name: metadata.name || id, bindings: metadata.bindings, callback, scriptFile: this.currentEntryPoint });
    return new Disposable(() => {
      if (this.#locked) throw new Error('A function can only be disposed during app startup.');
      this.functions.delete(id);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    const hooks = this.#hooks.get(name as HookName);
    if (!hooks) throw new RangeError(`Unrecognized hook "${name}"`);
    hooks.push(callback);
    return new Disposable(() => {
      const index = hooks.indexOf(callback);
      if (index >= 0) hooks.splice(index, 1);
    });
  }

  /** Ends startup: later registrations throw, as in the worker once the host has indexed the functions. */
  lock(): void {
    this.#locked = true;
  }

  async runHooks(name: Exclude<HookName, 'log'>, context: HookContext, scope: Pick<LogEntry, 'functionName' | 'invocationId'> = {}): Promise<void> {
    const hooks = [...(this.#hooks.get(name) ?? [])];
    if (hooks.length === 0) return;
    this.log({ level: 'debug', category: 'system', message: `Executing ${hooks.length} "${name}" hooks`, ...scope });
    for (const hook of hooks) await hook(context);
    this.log({ level: 'debug', category: 'system', message: `Executed "${name}" hooks`, ...scope });
  }

  /** Every log line passes the app's log hooks first; they may rewrite user logs only (as in the worker). */
  log(entry: LogEntry, invocationContext?: unknown): void {
    const hooks = this.#hooks.get('log') ?? [];
    if (hooks.length > 0) {
      const appHookData = this.appHookData;
      const context: LogHookContext = { hookData: {}, appHookData, invocationContext, category: entry.category, level: entry.level, message: entry.message };
      try {
        for (const hook of hooks) hook(context);
        if (entry.category === 'user') entry = { ...entry, level: context.level, message: context.message };
      } catch {
        // A failing hook must not swallow the log line.
      }
    }
    this.hostLog.write(entry);
  }
}
