// The loopback-in-Azure rule: in Azure an http MCP server whose effective URL is loopback (the dev default, its
// urlSetting not set) is not configured: no connection is made, its tools are not offered, calling one is a tool
// error, and the reason names the setting. It is never a ConfigError: one optional server must not stop the app.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assistantDefinitionSchema } from '../../../src/assistants/definition';
import { createToolRegistry } from '../../../src/tools';
import { createMcpTools, loopbackHost, resolveMcpServers, type McpConnection } from '../../../src/tools/mcp';
import { callContext, capturingLogger, testConfig } from './helpers';

// The shipped scheduler: url http://127.0.0.1:7096/mcp, urlSetting MCP_CALENDAR_URL.
const scheduler = assistantDefinitionSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../../assistants/scheduler.json'), 'utf8')));
const settings = (mcpSettings: Record<string, string>, inAzure: boolean) => ({ mcpSettings, unresolvedKeyVaultReferences: [], WEBSITE_INSTANCE_ID: inAzure ? 'a1b2c3' : undefined });

function definitionWith(server: Record<string, unknown>) {
  return assistantDefinitionSchema.parse({ key: 'x', name: 'X', instructions: 'x', intent: 'x', mcpServers: [{ name: 'crm', transport: 'http', tools: [{ name: 'find', idempotent: true }], ...server }] });
}

describe('loopbackHost', () => {
  it.each([
    ['http://127.0.0.1:7096/mcp', '127.0.0.1'],
    ['http://127.8.9.10/mcp', '127.8.9.10'],
    ['http://localhost:7096/mcp', 'localhost'],
    ['http://mcp.localhost/mcp', 'mcp.localhost'],
    ['http://[::1]:7096/mcp', '::1'],
    ['http://0.0.0.0:7096/mcp', '0.0.0.0'],
  ])('%s is loopback', (url, host) => expect(loopbackHost(url)).toBe(host));
  it.each(['https://mcp.example.com/mcp', 'http://10.0.0.4/mcp', 'http://128.0.0.1/mcp', 'http://localhost.example.com/mcp', 'not a url'])('%s is not', (url) => expect(loopbackHost(url)).toBeUndefined());
});

describe('an MCP server on loopback', () => {
  it('in Azure, with its urlSetting not set: not configured, naming the setting, and no ConfigError', () => {
    const [server] = resolveMcpServers([scheduler], settings({}, true));
    expect(server?.notConfigured).toEqual({ setting: 'MCP_CALENDAR_URL', reason: expect.stringContaining('Set MCP_CALENDAR_URL') });
  });

  it('in Azure, with its urlSetting set to a real server: configured, and dialled there', () => {
    const [server] = resolveMcpServers([scheduler], settings({ MCP_CALENDAR_URL: 'https://calendar.example.com/mcp' }, true));
    expect(server?.notConfigured).toBeUndefined();
    expect(server?.connection).toMatchObject({ transport: 'http', url: 'https://calendar.example.com/mcp' });
  });

  it('in Azure, with its urlSetting set to loopback: not configured, naming the setting', () => {
    const [server] = resolveMcpServers([scheduler], settings({ MCP_CALENDAR_URL: 'http://localhost:7096/mcp' }, true));
    expect(server?.notConfigured).toEqual({ setting: 'MCP_CALENDAR_URL', reason: expect.stringContaining('MCP_CALENDAR_URL points') });
  });

  it('in Azure, with no urlSetting at all: not configured, saying to add one', () => {
    const [server] = resolveMcpServers([definitionWith({ url: 'http://127.0.0.1:9/mcp' })], settings({}, true));
    expect(server?.notConfigured?.setting).toBeUndefined();
    expect(server?.notConfigured?.reason).toContain('add "urlSetting"');
  });

  it('in Azure, its auth setting is not required while it is not configured (nothing is sent)', () => {
    expect(() => resolveMcpServers([definitionWith({ url: 'http://127.0.0.1:9/mcp', urlSetting: 'MCP_CRM_URL', authSetting: 'MCP_CRM_TOKEN' })], settings({}, true))).not.toThrow();
  });

  it('locally: the loopback default is used', () => {
    const [server] = resolveMcpServers([scheduler], settings({}, false));
    expect(server?.notConfigured).toBeUndefined();
    expect(server?.connection).toMatchObject({ url: 'http://127.0.0.1:7096/mcp' });
  });

  it('the reason never carries the URL’s userinfo or path', () => {
    const [server] = resolveMcpServers([scheduler], settings({ MCP_CALENDAR_URL: 'http://user:s3cret@127.0.0.1:7096/mcp?key=abc' }, true));
    expect(server?.notConfigured?.reason).not.toMatch(/s3cret|key=abc|user/);
  });
});

describe('createMcpTools with a not-configured server', () => {
  it('opens no connection, offers none of its tools, refuses a call with a tool error, and reports not_configured', async () => {
    const { logger, lines } = capturingLogger();
    const dialled: string[] = [];
    const mcp = createMcpTools([scheduler], {
      config: settings({}, true),
      logger,
      connect: (server) => {
        dialled.push(server.name);
        return {} as McpConnection;
      },
    });
    expect(dialled).toEqual([]);
    const registry = createToolRegistry({ config: testConfig(), tools: mcp.tools });
    expect(await registry.declareTools(['calendar__list_events', 'calendar__create_event'])).toEqual([]);
    const outcome = await registry.execute({ id: 'call_1', name: 'calendar__list_events', arguments: '{}' }, callContext(logger));
    expect(outcome.status).not.toBe('succeeded');
    expect(JSON.parse(outcome.output)).toMatchObject({ error: expect.stringContaining('not configured'), notConfigured: true });
    expect(await mcp.servers[0]?.health()).toMatchObject({ server: 'calendar', status: 'not_configured', setting: 'MCP_CALENDAR_URL' });
    expect(lines.join('\n')).toContain('MCP server not configured');
  });
});
