// The tool registry: declares the backend's tools to the model and runs their calls.
// execute() never throws: every failure becomes the tool output, so the model can tell the user why.
import type { z } from 'zod';
import type { FunctionTool } from 'openai/resources/beta/assistants';
import { redact, redactValue, type Logger } from '../logging';
import { toFunctionParameters } from './function-parameters';
import { createSendEmailTool } from './send-email';
import { createStockPriceTool } from './stock-price';
import { ToolError, UnknownOutcomeError } from './tool-error';
import { MAX_TOOL_ARGUMENTS_CHARS, MAX_TOOL_OUTPUT_CHARS } from '../store/ledger/limits';
import type { RegisteredTool, ToolCall, ToolDeps, ToolExecutionContext, ToolOutcome, ToolRegistry, ToolStatus } from './types';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Raised through the AbortSignal when a call's time budget runs out. */
class ToolTimeout extends Error {
  constructor(public readonly budgetMs: number) {
    super(`timed out after ${budgetMs} ms`);
    this.name = 'ToolTimeout';
  }
}

export function defaultTools(deps: ToolDeps): RegisteredTool[] {
  return [createSendEmailTool(deps), createStockPriceTool(deps)];
}

export function createToolRegistry(deps: ToolDeps): ToolRegistry {
  const now = deps.now ?? Date.now;
  const tools = new Map<string, { tool: RegisteredTool; declaration?: FunctionTool }>();
  for (const tool of deps.tools ?? defaultTools(deps)) {
    if (!NAME.test(tool.name)) throw new Error(`Tool name ${JSON.stringify(tool.name)} is not a valid function name.`);
    if (tools.has(tool.name)) throw new Error(`Tool ${tool.name} is registered twice.`);
    if (tool.declare) {
      tools.set(tool.name, { tool });
      continue;
    }
    const declaration: FunctionTool = {
      type: 'function',
      function: {
        name: tool.name,
        description: tool.description,
        parameters: toFunctionParameters(tool.name, tool.parameters),
        ...(tool.strict ? { strict: true } : {}),
      },
    };
    tools.set(tool.name, { tool, declaration });
  }

  return {
    has: (name) => tools.has(name),
    names: () => [...tools.keys()],
    get: (name) => tools.get(name)?.tool,
    isIdempotent: (name) => tools.get(name)?.tool.idempotent === true,
    functionTools(names) {
      return (names ?? [...tools.keys()].filter((name) => tools.get(name)?.declaration)).map((name) => {
        const entry = tools.get(name);
        if (!entry) throw new Error(`Unknown tool ${name}; known tools: ${[...tools.keys()].join(', ')}.`);
        if (!entry.declaration) throw new Error(`Tool ${name} is declared by its MCP server: use declareTools.`);
        return structuredClone(entry.declaration);
      });
    },
    async declareTools(names) {
      const declared = await Promise.all(
        names.map(async (name): Promise<FunctionTool | undefined> => {
          const entry = tools.get(name);
          if (!entry) throw new Error(`Unknown tool ${name}; known tools: ${[...tools.keys()].join(', ')}.`);
          if (entry.declaration) return structuredClone(entry.declaration);
          const found = await entry.tool.declare!();
          return found && { type: 'function', function: { name, description: found.description, parameters: found.parameters } };
        }),
      );
      return declared.filter((tool): tool is FunctionTool => tool !== undefined);
    },
    execute: (call, ctx) => executeCall(tools.get(call.name)?.tool, call, ctx, deps, now),
  };
}

async function executeCall(
  tool: RegisteredTool | undefined,
  call: ToolCall,
  ctx: ToolExecutionContext,
  deps: ToolDeps,
  now: () => number,
): Promise<ToolOutcome> {
  const started = now();
  const logger = ctx.logger.child({ threadId: ctx.threadId, runId: ctx.runId, toolCallId: call.id, tool: call.name });
  const finish = (status: ToolStatus, body: unknown, level: keyof Omit<Logger, 'child'> = 'info'): ToolOutcome => {
    // Throws on values JSON cannot hold (BigInt, cycles): the caller's catch turns that into a failure.
    let output = JSON.stringify(body) ?? JSON.stringify({ ok: true });
    // What the ledger and a run event can record (src/store/ledger/limits.ts).
    if (output.length > MAX_TOOL_OUTPUT_CHARS) {
      output = JSON.stringify({ error: `${call.name} produced ${output.length} characters of output; at most ${MAX_TOOL_OUTPUT_CHARS} can be returned.` });
      if (status === 'succeeded') status = 'failed';
    }
    const durationMs = Math.max(0, now() - started);
    const error = status === 'succeeded' ? undefined : (body as { error?: string }).error;
    logger[level]('tool call finished', { status, durationMs, ...(error ? { error } : {}) });
    return { status, output, durationMs };
  };

  // The caller routes only registered names here; answer anyway rather than throw.
  if (!tool) return finish('failed', { error: `Unknown tool ${call.name}: this backend does not run it.` }, 'warn');

  if (call.arguments.length > MAX_TOOL_ARGUMENTS_CHARS) {
    return finish('invalid_arguments', { error: `Arguments for ${tool.name} are too large: ${call.arguments.length} characters; at most ${MAX_TOOL_ARGUMENTS_CHARS}.` }, 'warn');
  }
  const args = parseArguments(call.arguments);
  if (!args.ok) return finish('invalid_arguments', { error: `Invalid arguments for ${tool.name}: ${args.message}` }, 'warn');
  const parsed = tool.parameters.safeParse(args.value, { error: requiredMessage });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(arguments)', message: issue.message }));
    const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    return finish('invalid_arguments', { error: `Invalid arguments for ${tool.name}: ${summary}`, issues }, 'warn');
  }

  const budgetMs = Math.min(deps.config.TOOL_TIMEOUT, ctx.deadlineMs - started);
  if (budgetMs <= 0 || ctx.signal?.aborted) {
    return finish('timed_out', { error: `${tool.name} was not run: no time was left before the run's deadline.` }, 'warn');
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ToolTimeout(budgetMs)), budgetMs);
  const cancel = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', cancel, { once: true });
  logger.debug('tool call started', { budgetMs });
  try {
    const result = await untilAborted(
      tool.execute(parsed.data, {
        toolCallId: call.id,
        threadId: ctx.threadId,
        runId: ctx.runId,
        userId: ctx.userId,
        signal: controller.signal,
        deadlineMs: started + budgetMs,
        logger,
        firstAttemptAt: ctx.firstAttemptAt ?? started,
      }),
      controller.signal,
    );
    return finish('succeeded', result === undefined ? { ok: true } : result);
  } catch (error) {
    if (controller.signal.aborted) {
      const reason = controller.signal.reason instanceof ToolTimeout ? `timed out after ${budgetMs} ms` : 'was cancelled';
      return finish('timed_out', { error: `${tool.name} ${reason} and was abandoned; whether it took effect is unknown.`, timedOut: true }, 'warn');
    }
    if (error instanceof UnknownOutcomeError) {
      return finish('unknown_outcome', { error: redact(error.message), outcome: 'unknown_outcome', ...(redactValue(error.details) as Record<string, unknown>) }, 'warn');
    }
    if (error instanceof ToolError) {
      return finish('failed', { error: redact(error.message), ...(redactValue(error.details) as Record<string, unknown>) }, 'warn');
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish('failed', { error: `${tool.name} failed unexpectedly: ${redact(message)}` }, 'error');
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', cancel);
  }
}

function parseArguments(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  // Some models send an empty string for a call without arguments.
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `arguments are not valid JSON (${(error as Error).message}).` };
  }
}

/** zod's default for a missing field ("expected string, received undefined") reads poorly to a model. */
function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}

/** Settles with `work`, or rejects with the abort reason as soon as `signal` aborts (a tool ignoring its signal cannot hold the run). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
