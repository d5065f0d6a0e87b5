// The `@azure/functions-core` module as the Node.js worker exposes it (types-core/index.d.ts), backed by an AppRegistry.
import type { FunctionCallback, FunctionMetadata, HookCallback, ProgrammingModel, RpcLogCategory, RpcLogLevel } from './core-types';
import { Disposable } from './disposable';
import type { AppRegistry } from './registry';

/** Reported as the worker's and the host's versions; nothing in the library compares them. */
export const LOCAL_WORKER_VERSION = '1.0.0-local';
export const LOCAL_HOST_VERSION = '4.0.0-local';

export function createCoreApi(registry: AppRegistry) {
  return {
    version: LOCAL_WORKER_VERSION,
    hostVersion: LOCAL_HOST_VERSION,
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => registry.registerFunction(metadata, callback),
    registerHook: (hookName: string, callback: HookCallback): Disposable => registry.registerHook(hookName, callback),
    setProgrammingModel(programmingModel: ProgrammingModel): void {
      registry.log({ level: 'debug', category: 'system', message: `Setting Node.js programming model to "${programmingModel.name}" version "${programmingModel.version}"` });
      registry.programmingModel = programmingModel;
    },
    getProgrammingModel: (): ProgrammingModel | undefined => registry.programmingModel,
    log: (level: RpcLogLevel, category: RpcLogCategory, message: string): void => registry.log({ level, category, message }),
    Disposable,
  };
}

export type CoreApi = ReturnType<typeof createCoreApi>;
