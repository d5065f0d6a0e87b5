// `tsx local/mcp-server/cli.ts --port 7096 [--token dev-token]`: the local calendar MCP server on its own.
// Point an assistant at it with MCP_CALENDAR_URL=http://127.0.0.1:7096/mcp (assistants/scheduler.json).
import { parseArgs } from 'node:util';
import { startMcpServer } from './server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '7096' }, host: { type: 'string', default: '127.0.0.1' }, token: { type: 'string' } } });

async function main(): Promise<void> {
  const server = await startMcpServer({ port: Number(values.port), host: values.host, ...(values.token ? { token: values.token } : {}) });
  console.log(`Calendar MCP server on ${server.url} (admin: ${server.url.replace(/\/mcp$/, '/_admin/stats')})`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
