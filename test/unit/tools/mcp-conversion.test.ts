// MCP ↔ function tools: an MCP tool's declaration as the model is offered it, a tools/call result as the tool
// output (text, structured content, images, resource links; within the output limit), and where a failed call
// leaves the call (never sent, refused, or sent without an answer: unknown_outcome unless idempotent).
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { mcpResultOutput, mcpToolDeclaration } from '../../../src/tools/mcp';
import { McpNotSentError } from '../../../src/tools/mcp/connection';
import { callFailure } from '../../../src/tools/mcp/tools';
import { mcpErrorText } from '../../../src/tools/mcp/result';
import { UnknownOutcomeError, ToolError } from '../../../src/tools/tool-error';
import { mcpFunctionName, assistantDefinitionSchema, toolsNeedingApproval, functionToolNames } from '../../../src/assistants/definition';
import { MAX_TOOL_OUTPUT_CHARS } from '../../../src/store/ledger/limits';

describe('mcpToolDeclaration', () => {
  it("offers the tool's input schema as the function parameters, without $schema", () => {
    const declared = mcpToolDeclaration({
      name: 'create_event',
      description: 'Creates an event.',
      inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false },
    });
    expect(declared).toEqual({ description: 'Creates an event.', parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false } });
  });

  it('gives a tool without properties an empty object schema, and one without a description its title or name', () => {
    expect(mcpToolDeclaration({ name: 'ping', inputSchema: { type: 'object' } })).toEqual({ description: 'ping', parameters: { type: 'object', properties: {} } });
    expect(mcpToolDeclaration({ name: 'ping', title: 'Ping the server', inputSchema: { type: 'object' } }).description).toBe('Ping the server');
  });

  it('cuts a long description to what a function declaration holds', () => {
    const { description } = mcpToolDeclaration({ name: 'x', description: 'd'.repeat(5_000), inputSchema: { type: 'object' } });
    expect(description).toHaveLength(1_024);
    expect(description.endsWith('…')).toBe(true);
  });
});

describe('function names of MCP tools', () => {
  it('are <server>__<tool>, with characters function names do not allow as _', () => {
    expect(mcpFunctionName('calendar', 'create_event')).toBe('calendar__create_event');
    expect(mcpFunctionName('crm', 'contacts.search/v2')).toBe('crm__contacts_search_v2');
  });

  it('count as server tools of the definition, and approval follows the definition', () => {
    const def = assistantDefinitionSchema.parse({
      key: 'a',
      name: 'A',
      instructions: 'x',
      intent: 'x',
      tools: [{ function: 'send_email', approval: 'required' }],
      mcpServers: [{ name: 'calendar', transport: 'http', url: 'https://mcp.example.com/mcp', tools: [{ name: 'list_events', idempotent: true }, { name: 'create_event', idempotent: false, approval: 'required' }] }],
    });
    expect(functionToolNames(def)).toEqual(['send_email', 'calendar__list_events', 'calendar__create_event']);
    expect([...toolsNeedingApproval(def)]).toEqual(['send_email', 'calendar__create_event']);
  });

  it('refuse servers without an idempotency decision per tool, underscores in server names and unknown transports', () => {
    const base = { key: 'a', name: 'A', instructions: 'x', intent: 'x' };
    const server = { name: 'calendar', transport: 'http', url: 'https://mcp.example.com/mcp' };
    expect(assistantDefinitionSchema.safeParse({ ...base, mcpServers: [{ ...server, tools: [{ name: 'list_events' }] }] }).success).toBe(false);
    expect(assistantDefinitionSchema.safeParse({ ...base, mcpServers: [{ ...server, name: 'my_calendar', tools: [{ name: 'x', idempotent: true }] }] }).success).toBe(false);
    expect(assistantDefinitionSchema.safeParse({ ...base, mcpServers: [{ ...server, transport: 'sse', tools: [{ name: 'x', idempotent: true }] }] }).success).toBe(false);
    expect(assistantDefinitionSchema.safeParse({ ...base, mcpServers: [{ ...server, authSetting: 'CALENDAR_TOKEN', tools: [{ name: 'x', idempotent: true }] }] }).success).toBe(false);
    expect(assistantDefinitionSchema.safeParse({ ...base, mcpServers: [{ ...server, authSetting: 'MCP_CALENDAR_TOKEN', tools: [{ name: 'x', idempotent: true }] }] }).success).toBe(true);
  });
});

describe('mcpResultOutput', () => {
  it('keeps text and structured content, describes images and audio, and passes resource links by reference', () => {
    const output = mcpResultOutput(
      {
        content: [
          { type: 'text', text: 'Created.' },
          { type: 'image', data: Buffer.from('12345678').toString('base64'), mimeType: 'image/png' },
          { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
          { type: 'resource_link', uri: 'calendar://events/1', name: 'evt_1', mimeType: 'application/json' },
          { type: 'resource', resource: { uri: 'calendar://events/1', mimeType: 'text/plain', text: 'Lunch at noon' } },
          { type: 'resource', resource: { uri: 'file:///a.bin', blob: 'AAAA' } },
        ],
        structuredContent: { event: { id: 'evt_1' } },
      },
      MAX_TOOL_OUTPUT_CHARS,
    );
    expect(output).toEqual({
      content: [
        { type: 'text', text: 'Created.' },
        { type: 'image', mimeType: 'image/png', bytes: 8, note: expect.stringContaining('not passed on') },
        { type: 'audio', mimeType: 'audio/wav', bytes: 3, note: expect.any(String) },
        { type: 'resource_link', uri: 'calendar://events/1', name: 'evt_1', mimeType: 'application/json' },
        { type: 'resource', uri: 'calendar://events/1', mimeType: 'text/plain', text: 'Lunch at noon' },
        { type: 'resource', uri: 'file:///a.bin', bytes: 3 },
      ],
      structuredContent: { event: { id: 'evt_1' } },
    });
    expect(JSON.stringify(output)).not.toContain(Buffer.from('12345678').toString('base64'));
  });

  it('cuts the longest texts to fit the output limit, and says so', () => {
    const output = mcpResultOutput({ content: [{ type: 'text', text: 'short' }, { type: 'text', text: '"x"\n'.repeat(20_000) }] }, 10_000);
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(10_000);
    expect(output.truncated).toBe(true);
    expect(output.content[0]).toEqual({ type: 'text', text: 'short' });
    expect(output.content[1]).toMatchObject({ type: 'text', truncated: true });
    expect((output.content[1] as { text: string }).text.length).toBeGreaterThan(1_000);
  });

  it('leaves out structured content too large on its own', () => {
    const output = mcpResultOutput({ content: [{ type: 'text', text: 'rows' }], structuredContent: { rows: Array.from({ length: 5_000 }, (_, i) => ({ i })) } }, 10_000);
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(10_000);
    expect(output.structuredContent).toEqual({ omitted: true, chars: expect.any(Number) });
    expect(output.content).toEqual([{ type: 'text', text: 'rows' }]);
  });

  it("takes an isError result's text as the error", () => {
    expect(mcpErrorText({ content: [{ type: 'text', text: 'calendar locked' }, { type: 'image', data: '', mimeType: 'image/png' }] }, 100)).toBe('calendar locked');
  });
});

describe('callFailure', () => {
  const sdk = { McpError, ErrorCode, StreamableHTTPError };
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });

  it('a call never sent is a tool error saying the server is unreachable, idempotent or not', () => {
    for (const error of [refused, new McpNotSentError('cannot reach the MCP server: fetch failed (ECONNREFUSED)')]) {
      const failure = callFailure(sdk, error, 'calendar/create_event', 'calendar', false);
      expect(failure).not.toBeInstanceOf(UnknownOutcomeError);
      expect(failure.message).toMatch(/unreachable.*did not run/);
      expect(failure.details).toMatchObject({ unreachable: true, mcpServer: 'calendar' });
    }
  });

  it('an error the server answered is a tool error with what it said', () => {
    const failure = callFailure(sdk, new McpError(ErrorCode.InvalidParams, 'title: Required'), 'calendar/create_event', 'calendar', false);
    expect(failure).not.toBeInstanceOf(UnknownOutcomeError);
    expect(failure.message).toMatch(/refused.*title: Required/);
    expect(callFailure(sdk, new StreamableHTTPError(403, 'Forbidden'), 'calendar/create_event', 'calendar', false)).not.toBeInstanceOf(UnknownOutcomeError);
  });

  it('a call sent without an answer is unknown_outcome for a non-idempotent tool, a plain tool error for an idempotent one', () => {
    for (const error of [reset, new McpError(ErrorCode.RequestTimeout, 'Request timed out'), new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), new StreamableHTTPError(502, 'Bad gateway')]) {
      expect(callFailure(sdk, error, 'calendar/create_event', 'calendar', false)).toBeInstanceOf(UnknownOutcomeError);
      const idempotent = callFailure(sdk, error, 'calendar/list_events', 'calendar', true);
      expect(idempotent).toBeInstanceOf(ToolError);
      expect(idempotent).not.toBeInstanceOf(UnknownOutcomeError);
    }
  });
});
