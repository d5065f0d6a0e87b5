// Capabilities exchange of worker init: the worker's defaults, then the programming model's additions. With
// `app.setup({ enableHttpStream: true })` the library starts its HTTP server here and reports it as `HttpUri`.
import net from 'node:net';
import type { ProgrammingModel, WorkerCapabilities } from './core-types';

/** What the Node.js worker announces before the programming model adds its own (getWorkerCapabilities.ts). */
export const DEFAULT_WORKER_CAPABILITIES: WorkerCapabilities = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

export async function getWorkerCapabilities(programmingModel: ProgrammingModel | undefined): Promise<WorkerCapabilities> {
  const defaults = { ...DEFAULT_WORKER_CAPABILITIES };
  if (!programmingModel?.getCapabilities) return defaults;
  // The library's HTTP server calls listen() without a host (all interfaces); locally it must stay on loopback.
  // Its listen() runs synchronously inside getCapabilities, so the override is scoped to that call.
  const restore = listenOnLoopbackByDefault();
  let pending: WorkerCapabilities | Promise<WorkerCapabilities>;
  try {
    pending = programmingModel.getCapabilities(defaults);
  } finally {
    restore();
  }
  return await pending;
}

function listenOnLoopbackByDefault(): () => void {
  const original = net.Server.prototype.listen;
  net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
    const [first, second] = args;
    if (first === undefined || typeof first === 'function') args = [0, '127.0.0.1', ...args.filter((a) => a !== undefined)];
    else if (typeof first === 'number' && typeof second !== 'string') args = [first, '127.0.0.1', ...args.slice(1)];
    else if (typeof first === 'object' && first !== null && !('host' in first) && !('path' in first)) args = [{ ...first, host: '127.0.0.1' }, ...args.slice(1)];
    return (original as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof original;
  return () => {
    net.Server.prototype.listen = original;
  };
}
