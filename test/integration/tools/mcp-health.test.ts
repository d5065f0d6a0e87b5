// Health of an MCP server against the real local calendar MCP server (local/mcp-server): up with the count of the
// exposed tools it lists, then, once taken down through its admin route, unavailable with a short reason while the
// report stays ok (200); its auth header never appears. Locally the loopback URL is used; in Azure it would not be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpServer, type RunningMcpServer } from '../../../local/mcp-server/server';
import { assistantDefinitionSchema } from '../../../src/assistants/definition';
import { checkHealth, mcpCheckName, mcpServerProbe } from '../../../src/health/check-health';
import { createMcpTools, type McpTools } from '../../../src/tools/mcp';
import { eventually } from '../../support/stack';
import { capturingLogger, testConfig } from '../../unit/tools/helpers';

const TOKEN = 'mcp-health-token-456';
let server: RunningMcpServer;
let mcp: McpTools;

const definition = assistantDefinitionSchema.parse({
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
        { name: 'find_free_slot', idempotent: true },
        { name: 'create_event', idempotent: false, approval: 'required' },
      ],
    },
  ],
});

beforeAll(async () => {
  server = await startMcpServer({ token: TOKEN });
  mcp = createMcpTools([definition], { config: testConfig({ MCP_CALENDAR_URL: server.url, MCP_CALENDAR_TOKEN: `Bearer ${TOKEN}` }), logger: capturingLogger().logger });
});
afterAll(async () => {
  await mcp?.close();
  await server?.close();
});

const health = () => checkHealth(Object.fromEntries(mcp.servers.map((s) => [mcpCheckName(s.name), mcpServerProbe(s.health)])));

describe('MCP server health', () => {
  it('is up with its tool count, then unavailable (report still ok) once the server is taken down', async () => {
    const first = await health();
    expect(first).toMatchObject({ status: 'ok', checks: { mcp_calendar: { status: 'up', tools: 3 } } });
    // Listed once: the next check uses the cached list (one ping), and says the same.
    expect((await health()).checks.mcp_calendar).toMatchObject({ status: 'up', tools: 3 });

    const admin = await fetch(new URL('/_admin/down', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 3600 }) });
    expect(admin.status).toBe(202);
    const down = await eventually(async () => {
      const report = await health();
      return report.checks.mcp_calendar?.status === 'unavailable' ? report : undefined;
    });
    expect(down.status).toBe('ok');
    expect(down.checks.mcp_calendar).toMatchObject({ status: 'unavailable', error: expect.any(String), warning: expect.stringContaining('calendar') });
    expect(JSON.stringify(down)).not.toMatch(new RegExp(`${TOKEN}|127\\.0\\.0\\.1|http`));

    await server.up();
    await eventually(async () => ((await health()).checks.mcp_calendar?.status === 'up' ? true : undefined));
  }, 60_000);
});
