// MCP servers in health: ok → up with the tool count; unavailable and not_configured are warnings that keep the
// report ok (200), like the market-data fixture and unresolved Key Vault references; reasons carry no secrets.
import { describe, expect, it } from 'vitest';
import { checkHealth, mcpCheckName, mcpServerProbe } from '../../../src/health/check-health';
import { shortReason, type McpServerHealth } from '../../../src/tools/mcp';

const probeOf = (state: McpServerHealth) => mcpServerProbe(async () => state);

describe('mcpServerProbe', () => {
  it('reports each state, and the report stays ok', async () => {
    const report = await checkHealth({
      storage: async () => 'up',
      [mcpCheckName('calendar')]: probeOf({ server: 'calendar', status: 'ok', tools: 3, missing: [] }),
      [mcpCheckName('crm')]: probeOf({ server: 'crm', status: 'unavailable', reason: 'ECONNREFUSED' }),
      [mcpCheckName('notes')]: probeOf({ server: 'notes', status: 'not_configured', setting: 'MCP_NOTES_URL', reason: 'MCP server "notes" is not configured: MCP_NOTES_URL is not set' }),
    });
    expect(report.status).toBe('ok');
    expect(report.checks.mcp_calendar).toMatchObject({ status: 'up', tools: 3 });
    expect(report.checks.mcp_calendar?.warning).toBeUndefined();
    expect(report.checks.mcp_crm).toMatchObject({ status: 'unavailable', error: 'ECONNREFUSED', warning: expect.stringContaining('not offered') });
    expect(report.checks.mcp_notes).toMatchObject({ status: 'not_configured', setting: 'MCP_NOTES_URL', warning: expect.stringContaining('MCP_NOTES_URL') });
  });

  it('warns about exposed tools the server does not list', async () => {
    const report = await checkHealth({ mcp_calendar: probeOf({ server: 'calendar', status: 'ok', tools: 2, missing: ['create_event'] }) });
    expect(report.checks.mcp_calendar).toMatchObject({ status: 'up', tools: 2, warning: expect.stringContaining('create_event') });
  });
});

describe('shortReason', () => {
  it('names a code found on the error or its causes, never the message', () => {
    const refused = new TypeError('fetch failed https://user:s3cret@mcp.example.com/mcp', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(shortReason(refused)).toBe('ECONNREFUSED');
    expect(shortReason(new Error('cannot reach: Authorization: Bearer abc', { cause: refused }))).toBe('ECONNREFUSED');
    expect(shortReason(Object.assign(new Error('Error POSTing to endpoint (HTTP 401): token abc is wrong'), { code: 401 }))).toBe('answered HTTP 401');
    expect(shortReason(Object.assign(new Error('no answer'), { name: 'TimeoutError' }))).toBe('timed out');
    expect(shortReason(Object.assign(new Error('MCP error -32001: Request timed out'), { code: -32001 }))).toBe('timed out');
    expect(shortReason(Object.assign(new Error('x'), { code: -32603 }))).toBe('MCP error -32603');
    expect(shortReason(new Error('anything with a secret'))).toBe('unreachable');
  });
});
