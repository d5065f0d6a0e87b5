// MCP tools through the tool registry against the real local calendar MCP server (local/mcp-server): declarations
// from tools/list (cached, listed again after tools/list_changed), calls and their results, a server that is down,
// an isError answer, auth headers from a named setting, and cancellation reaching the server.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMcpServer, type RunningMcpServer } from '../../../local/mcp-server/server';
import { assistantDefinitionSchema, type AssistantDefinition } from '../../../src/assistants/definition';
import { createToolRegistry, type ToolRegistry } from '../../../src/tools';
import { createMcpTools, type McpTools } from '../../../src/tools/mcp';
import { callContext, capturingLogger, testConfig } from '../../unit/tools/helpers';
import { eventually } from '../../support/stack';

const TOKEN = 'mcp-test-token-123';
let server: RunningMcpServer;
let mcp: McpTools;
let registry: ToolRegistry;
const { logger, lines } = capturingLogger();

function definition(): AssistantDefinition {
  return assistantDefinitionSchema.parse({
    key: 'scheduler',
    name: 'Scheduler',
    instructions: 'x',
    intent: 'calendar',
    mcpServers: [
      {
        name: 'calendar',
        transport: 'http',
        url: 'http://127.0.0.1:1/mcp',
        urlSetting: 'MCP_CALENDAR_URL',
        authSetting: 'MCP_CALENDAR_TOKEN',
        tools: [
          { name: 'list_events', idempotent: true },
          { name: 'create_event', idempotent: false, approval: 'required' },
          { name: 'cancel_event', idempotent: false },
        ],
      },
    ],
  });
}

beforeAll(async () => {
  server = await startMcpServer({ token: TOKEN });
  const config = testConfig({ MCP_CALENDAR_URL: server.url, MCP_CALENDAR_TOKEN: `Bearer ${TOKEN}` });
  mcp = createMcpTools([definition()], { config, logger });
  registry = createToolRegistry({ config, tools: mcp.tools });
});
afterAll(async () => {
  await mcp?.close();
  await server?.close();
});
afterEach(() => server.reset());

const call = (name: string, args: unknown, overrides = {}) => registry.execute({ id: `call_${Math.random()}`, name, arguments: JSON.stringify(args) }, callContext(logger, overrides));

describe('MCP tools in the registry', () => {
  it('offers the exposed tools the server lists, with its input schemas, under <server>__<tool>', async () => {
    const declared = await registry.declareTools(['calendar__list_events', 'calendar__create_event', 'calendar__cancel_event']);
    // cancel_event is not listed by the server (yet): not offered.
    expect(declared.map((tool) => tool.function.name)).toEqual(['calendar__list_events', 'calendar__create_event']);
    const create = declared[1]!.function;
    expect(create.description).toMatch(/Creates a calendar event/);
    expect(create.parameters).toMatchObject({ type: 'object', properties: { title: { type: 'string' }, start: { type: 'string' } }, required: expect.arrayContaining(['title', 'start']) });
    expect(create.parameters).not.toHaveProperty('$schema');
    expect(registry.isIdempotent('calendar__list_events')).toBe(true);
    expect(registry.isIdempotent('calendar__create_event')).toBe(false);
  });

  it('runs a call on the server and returns its text, structured content and resource links', async () => {
    const outcome = await call('calendar__create_event', { title: 'Lunch', start: '2026-12-03T12:00:00Z', attendees: ['a@example.com'] });
    expect(outcome.status).toBe('succeeded');
    const output = JSON.parse(outcome.output) as { content: Array<Record<string, unknown>>; structuredContent: { event: { id: string; title: string } } };
    expect(output.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Created "Lunch"') });
    expect(output.content[1]).toMatchObject({ type: 'resource_link', uri: `calendar://events/${output.structuredContent.event.id}` });
    expect(server.stats().calls.create_event).toBe(1);
    expect(server.stats().events.map((e) => e.title)).toContain('Lunch');
  });

  it("passes the server's argument validation errors to the model", async () => {
    const outcome = await call('calendar__create_event', { title: 'No start' });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toMatch(/calendar\/create_event.*(start|Invalid)/is);
    expect(server.stats().events.map((e) => e.title)).not.toContain('No start');
  });

  it('an isError result is a clear tool error', async () => {
    server.setFault('list_events', 'error');
    const outcome = await call('calendar__list_events', {});
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output)).toMatchObject({ error: expect.stringMatching(/calendar\/list_events reported an error: .*unavailable/), mcpServer: 'calendar', isError: true });
  });

  it('a server that is down is a clear tool error; its cached tools stay offered; it is used again once up', async () => {
    await server.down();
    // Once the session's event stream has seen the server go (a request racing that on an old keep-alive socket
    // cannot tell whether the server read it: for create_event that is unknown_outcome, rightly).
    await eventually(async () => (lines.some((l) => l.includes('MCP session connection error')) ? true : undefined), { timeoutMs: 10_000 });
    try {
      const outcome = await call('calendar__create_event', { title: 'While down', start: '2026-12-03T12:00:00Z' });
      expect(outcome.status, outcome.output).toBe('failed');
      expect(JSON.parse(outcome.output)).toMatchObject({ error: expect.stringMatching(/unreachable.*did not run/), unreachable: true });
      expect((await registry.declareTools(['calendar__list_events'])).map((t) => t.function.name)).toEqual(['calendar__list_events']);
    } finally {
      await server.up();
    }
    expect((await call('calendar__list_events', {})).status).toBe('succeeded');
    expect(server.stats().calls.create_event).toBe(0);
  });

  it('lists the tools again after tools/list_changed', async () => {
    expect((await registry.declareTools(['calendar__cancel_event']))).toEqual([]);
    server.setExtraTool(true);
    try {
      const declared = await eventually(async () => {
        const tools = await registry.declareTools(['calendar__cancel_event']);
        return tools.length ? tools : undefined;
      }, { timeoutMs: 10_000 });
      expect(declared[0]!.function.description).toMatch(/Cancels a calendar event/);
    } finally {
      server.setExtraTool(false);
    }
  });

  it('an aborted call is abandoned and the server is told (notifications/cancelled); the outcome is not claimed', async () => {
    server.setFault('create_event', 'hang');
    const controller = new AbortController();
    const pending = call('calendar__create_event', { title: 'Hangs', start: '2026-12-03T15:00:00Z' }, { signal: controller.signal });
    await eventually(async () => (server.stats().calls.create_event === 1 ? true : undefined));
    controller.abort(new Error('cancelled'));
    const outcome = await pending;
    expect(outcome.status).toBe('timed_out');
    const reasons = await eventually(async () => (server.stats().cancelled.length ? server.stats().cancelled : undefined), { timeoutMs: 5_000 });
    expect(reasons).toEqual([expect.stringContaining('cancelled')]);
  });

  it('never puts the auth header value in logs or outputs', () => {
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});

describe('a stdio MCP server (local development)', () => {
  it('is started as a child process, listed and called', async () => {
    const notes = assistantDefinitionSchema.parse({
      key: 'notes',
      name: 'Notes',
      instructions: 'x',
      intent: 'x',
      mcpServers: [
        {
          name: 'notes',
          transport: 'stdio',
          command: process.execPath,
          args: ['--import', 'tsx', path.resolve(__dirname, '../../../local/mcp-server/stdio-notes.ts')],
          tools: [{ name: 'list_notes', idempotent: true }, { name: 'add_note', idempotent: false }],
        },
      ],
    });
    const config = testConfig();
    const stdio = createMcpTools([notes], { config, logger });
    try {
      const tools = createToolRegistry({ config, tools: stdio.tools });
      expect((await tools.declareTools(['notes__list_notes', 'notes__add_note'])).map((t) => t.function.name)).toEqual(['notes__list_notes', 'notes__add_note']);
      expect((await tools.execute({ id: 'call_a', name: 'notes__add_note', arguments: '{"text":"Call Ana"}' }, callContext(logger))).status).toBe('succeeded');
      const listed = await tools.execute({ id: 'call_l', name: 'notes__list_notes', arguments: '{}' }, callContext(logger));
      expect(JSON.parse(listed.output)).toMatchObject({ structuredContent: { notes: ['Buy milk', 'Call Ana'] } });
    } finally {
      await stdio.close();
    }
  }, 30_000);
});

describe('MCP server configuration', () => {
  it('refuses stdio servers in Azure and names a missing auth setting', () => {
    const stdio = assistantDefinitionSchema.parse({
      key: 'dev',
      name: 'Dev',
      instructions: 'x',
      intent: 'x',
      mcpServers: [{ name: 'notes', transport: 'stdio', command: 'node', args: ['notes.js'], tools: [{ name: 'read', idempotent: true }] }],
    });
    expect(() => createMcpTools([stdio], { config: testConfig({ WEBSITE_INSTANCE_ID: 'abc', AUTH_MODE: 'cloud' }), logger })).toThrow(/stdio transport.*refused in Azure/);
    expect(() => createMcpTools([stdio], { config: testConfig(), logger })).not.toThrow();
    expect(() => createMcpTools([definition()], { config: testConfig(), logger })).toThrow(/MCP_CALENDAR_TOKEN: not set/);
  });

  it('is refused with a 401 without the auth header, as a tool error', async () => {
    const config = testConfig({ MCP_CALENDAR_URL: server.url, MCP_CALENDAR_TOKEN: 'Bearer wrong' });
    const other = createMcpTools([definition()], { config, logger });
    try {
      const outcome = await createToolRegistry({ config, tools: other.tools }).execute({ id: 'call_x', name: 'calendar__list_events', arguments: '{}' }, callContext(logger));
      expect(outcome.status).toBe('failed');
      expect(outcome.output).toMatch(/unreachable|401/);
      expect(outcome.output).not.toContain('wrong');
    } finally {
      await other.close();
    }
  });
});
