// Runs one invocation exactly as the Node.js worker's InvocationHandler does: the app's programming model builds
// the arguments (real HttpRequest / InvocationContext objects), hooks run around the handler, and the model
// converts the result back into an RPC response. Output bindings are then delivered by the host.
import { performance } from 'node:perf_hooks';
import type {
  CoreInvocationContext,
  PostInvocationContext,
  PreInvocationContext,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './core-types';
import type { InFlight } from './in-flight';
import { invocationTraceContext } from './trace-context';
import type { AppRegistry, RegisteredFunction } from './registry';

export interface InvocationRequest {
  invocationId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
  /** Why the host invoked the function (shown in the `Executing` line). */
  reason: string;
  /** The invocation's W3C trace context; default: a new trace (worker/trace-context.ts). */
  traceContext?: RpcInvocationRequest['traceContext'];
}

/** Delivers a successful invocation's output bindings (queue messages, ...); a failure fails the invocation. */
export type OutputDelivery = (fn: RegisteredFunction, response: RpcInvocationResponse, invocationId: string) => Promise<void>;

export interface InvocationOutcome {
  response: RpcInvocationResponse;
  /** The handler's result after postInvocation hooks (the programming model already converted it into `response`). */
  result: unknown;
}

export interface Invoker {
  invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome>;
}

export interface InvokerDeps {
  registry: AppRegistry;
  inFlight: InFlight;
  deliverOutputs: OutputDelivery;
  /** host.json `functionTimeout`; undefined means no limit. */
  functionTimeoutMs?: number;
}

/** The host's FunctionTimeoutException: the invocation ran past host.json `functionTimeout`. */
export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutException';
}

export function createInvoker(deps: InvokerDeps): Invoker {
  return {
    invoke: (fn, request) => deps.inFlight.track(run(deps, fn, request)),
  };
}

async function run(deps: InvokerDeps, fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
  const { registry } = deps;
  const scope = { functionName: fn.name, invocationId: request.invocationId };
  const started = performance.now();
  registry.log({ level: 'information', category: 'system', message: `Executing 'Functions.${fn.name}' (Reason='${request.reason}', Id=${request.invocationId})`, ...scope });
  let timedOut = false;
  try {
    const work = invokeThroughModel(registry, fn, request);
    const outcome = await withTimeout(work, deps.functionTimeoutMs, () => {
      timedOut = true;
      const limit = formatTimeSpan(deps.functionTimeoutMs!);
      registry.log({ level: 'error', category: 'system', message: `Timeout value of ${limit} exceeded by function 'Functions.${fn.name}' (Id: '${request.invocationId}'). Initiating cancellation.`, ...scope });
      // The real host restarts the worker process, which ends the handler. Here the app shares the host's
      // process, so the handler runs on; whatever it returns later is discarded (no output bindings).
      void work.then(
        () => registry.log({ level: 'warning', category: 'system', message: `Functions.${fn.name} (Id: '${request.invocationId}') finished after its timeout; its result was discarded.`, ...scope }),
        () => undefined,
      );
      return new FunctionTimeoutError(`Timeout value of ${limit} was exceeded by function: Functions.${fn.name}`);
    });
    await deps.deliverOutputs(fn, outcome.response, request.invocationId);
    registry.log({ level: 'information', category: 'system', message: `Executed 'Functions.${fn.name}' (Succeeded, Id=${request.invocationId}, Duration=${elapsed(started)}ms)`, ...scope });
    return outcome;
  } catch (error) {
    registry.log({
      level: 'error',
      category: 'system',
      message: `Executed 'Functions.${fn.name}' (Failed, Id=${request.invocationId}, Duration=${elapsed(started)}ms)\nResult: Failure\nException: ${describeError(error)}`,
      ...scope,
    });
    if (timedOut) {
      registry.log({ level: 'warning', category: 'system', message: `A function timeout has occurred. Restarting worker process executing invocationId '${request.invocationId}'. (Local host: the handler keeps running in this process.)`, ...scope });
    }
    throw error;
  }
}

/** `work`, or a rejection with `onTimeout()`'s error once `ms` passes first. */
function withTimeout<T>(work: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> {
  // Beyond setTimeout's range (about 24.8 days) there is no practical limit.
  if (ms === undefined || ms > 2_147_483_647) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Milliseconds as a .NET TimeSpan (`hh:mm:ss`, `d.hh:mm:ss` past a day, `.fff` when not whole seconds). */
export function formatTimeSpan(ms: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor(ms / 3_600_000) % 24;
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const fraction = ms % 1000 ? `.${String(ms % 1000).padStart(3, '0')}` : '';
  return `${days ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction}`;
}

async function invokeThroughModel(registry: AppRegistry, fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
  const programmingModel = registry.programmingModel;
  if (!programmingModel) throw new Error('No programming model was set by the app.');
  // The log hooks see the invocation's context once the model has built it.
  const current: { context?: unknown } = {};
  const rpcRequest: RpcInvocationRequest = {
    invocationId: request.invocationId,
    functionId: fn.id,
    inputData: request.inputData,
    triggerMetadata: request.triggerMetadata,
    traceContext: request.traceContext ?? invocationTraceContext(),
  };
  const coreContext: CoreInvocationContext = {
    invocationId: request.invocationId,
    request: rpcRequest,
    metadata: {
      name: fn.name,
      functionId: fn.id,
      bindings: fn.bindings,
      rawBindings: Object.entries(fn.bindings).map(([name, binding]) => JSON.stringify({ ...binding, name })),
      scriptFile: fn.scriptFile ?? 'unknown',
    },
    log(level: RpcLogLevel, category: RpcLogCategory, message: string) {
      registry.log({ level, category, message, functionName: fn.name, invocationId: request.invocationId }, current.context);
    },
  };
  const scope = { functionName: fn.name, invocationId: request.invocationId };

  const model = await programmingModel.getInvocationModel(coreContext);
  const args = await model.getArguments();
  current.context = args.context;
  const hookData = {};

  const pre: PreInvocationContext = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: args.context,
    inputs: args.inputs,
    functionCallback: fn.callback,
  };
  coreContext.state = 'preInvocationHooks';
  try {
    await registry.runHooks('preInvocation', pre, scope);
  } finally {
    coreContext.state = undefined;
  }

  const post: PostInvocationContext = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: args.context,
    inputs: pre.inputs,
    result: null,
    error: null,
  };
  coreContext.state = 'invocation';
  try {
    post.result = await model.invokeFunction(args.context, pre.inputs, pre.functionCallback);
  } catch (error) {
    post.error = error;
  } finally {
    coreContext.state = undefined;
  }

  coreContext.state = 'postInvocationHooks';
  try {
    await registry.runHooks('postInvocation', post, scope);
  } finally {
    coreContext.state = undefined;
  }

  // postInvocation hooks may replace or clear the error.
  if (post.error !== null && post.error !== undefined) throw post.error;
  return { response: await model.getResponse(args.context, post.result), result: post.result };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
