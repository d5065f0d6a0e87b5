import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolRegistry, defineTool, ToolError, type RegisteredTool, type ToolContext } from '../../../src/tools';
import { callContext, capturingLogger, testConfig } from './helpers';

const echoSchema = z.strictObject({ text: z.string().min(1), count: z.number().int().min(1).max(3) });

/** A tool whose behaviour each test chooses; records what it was given. */
function probeTool(run: (args: z.infer<typeof echoSchema>, ctx: ToolContext) => Promise<unknown>) {
  const calls: { args: z.infer<typeof echoSchema>; ctx: ToolContext }[] = [];
  const tool = defineTool({
    name: 'probe',
    description: 'Test tool.',
    parameters: echoSchema,
    idempotent: true,
    execute: (args, ctx) => {
      calls.push({ args, ctx });
      return run(args, ctx);
    },
  });
  return { tool, calls };
}

function registryWith(tool: RegisteredTool, env: Record<string, string> = {}, now?: () => number) {
  return createToolRegistry({ config: testConfig(env), tools: [tool], ...(now ? { now } : {}) });
}

/** Resolves when the signal aborts: a tool that honours its signal. */
const untilAbort = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('tool declarations sent to the model', () => {
  const registry = createToolRegistry({ config: testConfig() });

  it('registers send_email and get_stock_price', () => {
    expect(registry.names().sort()).toEqual(['get_stock_price', 'send_email']);
    expect(registry.has('send_email')).toBe(true);
    expect(registry.has('code_interpreter')).toBe(false);
    expect(registry.get('send_email')?.idempotent).toBe(false);
    expect(registry.get('get_stock_price')?.idempotent).toBe(true);
    expect(registry.isIdempotent('get_stock_price')).toBe(true);
    expect(registry.isIdempotent('send_email')).toBe(false);
    expect(registry.isIdempotent('unknown')).toBe(false);
  });

  it('describes send_email as a closed JSON-schema object with to and content required', () => {
    const [tool] = registry.functionTools(['send_email']);
    expect(tool?.type).toBe('function');
    expect(tool?.function.name).toBe('send_email');
    expect(tool?.function.description).toMatch(/email/i);
    const parameters = tool?.function.parameters as Record<string, unknown>;
    expect(parameters).not.toHaveProperty('$schema');
    expect(parameters).toMatchObject({ type: 'object', additionalProperties: false, required: ['to', 'content'] });
    expect(Object.keys(parameters.properties as object).sort()).toEqual(['content', 'subject', 'to']);
    expect(tool?.function).not.toHaveProperty('strict');
  });

  it('produces schemas a JSON-schema validator accepts and that match valid arguments only', () => {
    const ajv = new Ajv({ strict: false });
    for (const tool of registry.functionTools()) ajv.addSchema(tool.function.parameters as object, tool.function.name);
    expect(ajv.validate('get_stock_price', { symbol: 'msft' })).toBe(true);
    expect(ajv.validate('get_stock_price', { symbol: 'MSFT', extra: 1 })).toBe(false);
    expect(ajv.validate('get_stock_price', { symbol: 'WAYTOOLONGSYMBOL' })).toBe(false);
    expect(ajv.validate('send_email', { to: 'a@example.com', content: '<p>Hi</p>' })).toBe(true);
    expect(ajv.validate('send_email', { to: 'a@example.com' })).toBe(false);
  });

  it('returns copies, and refuses names it does not know', () => {
    const first = registry.functionTools(['get_stock_price'])[0]!;
    first.function.name = 'changed';
    expect(registry.functionTools(['get_stock_price'])[0]?.function.name).toBe('get_stock_price');
    expect(() => registry.functionTools(['nope'])).toThrow(/Unknown tool nope/);
  });

  it('rejects tools whose parameters are not a closed object', () => {
    const open = defineTool({ name: 'open', description: 'x', parameters: z.object({ a: z.string() }), idempotent: true, execute: async () => 1 });
    expect(() => createToolRegistry({ config: testConfig(), tools: [open] })).toThrow(/strictObject/);
    const dup = probeTool(async () => 1).tool;
    expect(() => createToolRegistry({ config: testConfig(), tools: [dup, dup] })).toThrow(/twice/);
  });

  it('marks a tool strict only when it opts in', () => {
    const strict = defineTool({ name: 'strict_tool', description: 'x', parameters: z.strictObject({ a: z.string() }), idempotent: true, strict: true, execute: async () => 1 });
    const [tool] = createToolRegistry({ config: testConfig(), tools: [strict] }).functionTools();
    expect(tool?.function.strict).toBe(true);
  });
});

describe('executing a call', () => {
  it('passes parsed arguments and the call context, and returns the result as JSON', async () => {
    const { tool, calls } = probeTool(async (args) => ({ ok: true, echoed: args.text.repeat(args.count) }));
    let clock = 1_000;
    const registry = registryWith(tool, {}, () => (clock += 5));
    const { logger } = capturingLogger();
    const outcome = await registry.execute({ id: 'call_1', name: 'probe', arguments: '{"text":"ab","count":2}' }, callContext(logger, { deadlineMs: Date.now() + 60_000 }));
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.output)).toEqual({ ok: true, echoed: 'abab' });
    expect(outcome.durationMs).toBeGreaterThan(0);
    expect(calls[0]?.ctx).toMatchObject({ toolCallId: 'call_1', threadId: 'thread_1', runId: 'run_1', userId: 'user_1' });
    expect(calls[0]?.ctx.signal.aborted).toBe(false);
  });

  it('answers {"ok":true} for a tool that returns nothing', async () => {
    const { tool } = probeTool(async () => undefined);
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' }, callContext(capturingLogger().logger));
    expect(outcome).toMatchObject({ status: 'succeeded', output: '{"ok":true}' });
  });

  it('returns malformed JSON to the model as invalid_arguments without running the tool', async () => {
    const { tool, calls } = probeTool(async () => 1);
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text": "a",' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('invalid_arguments');
    expect(JSON.parse(outcome.output).error).toMatch(/Invalid arguments for probe: arguments are not valid JSON/);
    expect(calls).toHaveLength(0);
  });

  it('names every invalid field', async () => {
    const { tool, calls } = probeTool(async () => 1);
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"count":7,"colour":"red"}' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('invalid_arguments');
    const output = JSON.parse(outcome.output) as { error: string; issues: { field: string; message: string }[] };
    expect(output.error).toContain('text: is required');
    expect(output.error).toMatch(/count: .*3/);
    expect(output.error).toContain('colour');
    expect(output.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['text', 'count']));
    expect(calls).toHaveLength(0);
  });

  it('rejects arguments that are not an object', async () => {
    const { tool } = probeTool(async () => 1);
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '[1,2]' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('invalid_arguments');
    expect(JSON.parse(outcome.output).error).toMatch(/expected object/);
  });

  it('turns a throw into a failed outcome with the secret redacted', async () => {
    const { tool } = probeTool(async () => {
      throw new Error('POST https://logic.example/invoke?api-version=1&sig=TOPSECRET123 refused');
    });
    const { logger, lines } = capturingLogger();
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' }, callContext(logger));
    expect(outcome.status).toBe('failed');
    expect(outcome.output).toContain('probe failed unexpectedly');
    expect(outcome.output).not.toContain('TOPSECRET123');
    expect(lines.join('\n')).not.toContain('TOPSECRET123');
  });

  it('turns a ToolError into its message and details', async () => {
    const { tool } = probeTool(async () => {
      throw new ToolError('No such thing.', { status: 404 });
    });
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output)).toEqual({ error: 'No such thing.', status: 404 });
  });

  it('fails a result JSON cannot hold instead of throwing', async () => {
    const { tool } = probeTool(async () => ({ big: 1n }));
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('failed');
  });

  it('answers an unknown tool with failed rather than throwing', async () => {
    const { tool } = probeTool(async () => 1);
    const outcome = await registryWith(tool).execute({ id: 'c', name: 'not_ours', arguments: '{}' }, callContext(capturingLogger().logger));
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toMatch(/Unknown tool not_ours/);
  });

  it('logs the outcome with the correlation fields but not the arguments', async () => {
    const { tool } = probeTool(async () => 1);
    const { logger, lines } = capturingLogger();
    await registryWith(tool).execute({ id: 'call_9', name: 'probe', arguments: '{"text":"private words","count":1}' }, callContext(logger));
    const finished = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'tool call finished');
    expect(finished).toMatchObject({ threadId: 'thread_1', runId: 'run_1', toolCallId: 'call_9', tool: 'probe', status: 'succeeded' });
    expect(lines.join('\n')).not.toContain('private words');
  });
});

describe('time limits', () => {
  it("aborts the tool's signal at the run deadline and reports timed_out", async () => {
    const { tool, calls } = probeTool((_args, ctx) => untilAbort(ctx.signal));
    const started = Date.now();
    const outcome = await registryWith(tool, { TOOL_TIMEOUT: '60s' }).execute(
      { id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' },
      callContext(capturingLogger().logger, { deadlineMs: started + 200 }),
    );
    expect(outcome.status).toBe('timed_out');
    expect(JSON.parse(outcome.output).error).toMatch(/probe timed out after \d+ ms/);
    expect(calls[0]?.ctx.signal.aborted).toBe(true);
    expect(calls[0]?.ctx.deadlineMs).toBeLessThanOrEqual(started + 200);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('applies TOOL_TIMEOUT even when the tool ignores its signal', async () => {
    const { tool, calls } = probeTool(() => new Promise(() => undefined));
    const outcome = await registryWith(tool, { TOOL_TIMEOUT: '150ms' }).execute(
      { id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' },
      callContext(capturingLogger().logger, { deadlineMs: Date.now() + 600_000 }),
    );
    expect(outcome.status).toBe('timed_out');
    expect(JSON.parse(outcome.output).error).toContain('timed out after 150 ms');
    expect(calls[0]?.ctx.signal.aborted).toBe(true);
  });

  it('does not start a tool once the deadline has passed', async () => {
    const { tool, calls } = probeTool(async () => 1);
    const outcome = await registryWith(tool).execute(
      { id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' },
      callContext(capturingLogger().logger, { deadlineMs: Date.now() - 1 }),
    );
    expect(outcome.status).toBe('timed_out');
    expect(calls).toHaveLength(0);
  });

  it("passes the caller's cancellation to the tool", async () => {
    const { tool, calls } = probeTool((_args, ctx) => untilAbort(ctx.signal));
    const caller = new AbortController();
    const pending = registryWith(tool).execute({ id: 'c', name: 'probe', arguments: '{"text":"a","count":1}' }, callContext(capturingLogger().logger, { signal: caller.signal }));
    caller.abort(new Error('shutting down'));
    const outcome = await pending;
    expect(outcome.status).toBe('timed_out');
    expect(JSON.parse(outcome.output).error).toContain('was cancelled');
    expect(calls[0]?.ctx.signal.aborted).toBe(true);
  });
});
