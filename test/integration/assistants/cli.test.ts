// `npm run assistants:sync` (scripts/assistants-sync.ts) as a child process against the local Assistants server.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer } from '../../../local/assistants-server';
import { startMcpServer, type RunningMcpServer } from '../../../local/mcp-server/server';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

let server: { url: string; close(): Promise<void> };
/** The calendar MCP server assistants/scheduler.json lists: the sync declares its tools from it. */
let mcp: RunningMcpServer;

beforeAll(async () => {
  server = await startAssistantsServer();
  mcp = await startMcpServer();
});

afterAll(async () => {
  await server?.close();
  await mcp?.close();
});

/**
 * Runs the CLI with only the settings given (none of the developer's environment leaks in), on the Assistants
 * protocol unless `env` says otherwise.
 */
async function cli(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['scripts/assistants-sync.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ASSISTANTS_PROVIDER: 'local', UPSTREAM_PROTOCOL: 'assistants', MCP_CALENDAR_URL: mcp.url, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('assistants:sync CLI', () => {
  it('creates the assistants, prints one line each, and reports them unchanged on the next run', async () => {
    const env = { LOCAL_ASSISTANTS_URL: server.url, DEPLOYMENT_ID: `cli-${randomUUID().slice(0, 8)}` };
    const first = await cli(env);
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    for (const key of ['default', 'math-tutor', 'failed-banks', 'portfolio', 'sales', 'scheduler', 'trading']) {
      expect(first.stdout).toMatch(new RegExp(`^created\\s+${key}\\s+\\S+`, 'm'));
    }
    expect(first.stdout).toMatch(/^files: uploaded 6 /m);

    const second = await cli(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^summary: 0 created, 0 updated, 7 unchanged, 0 removed, 0 duplicates$/m);
    expect(second.stdout).toMatch(/^files: uploaded 0; reused 6 /m);
  });

  it('on Responses validates and uploads, creates no assistants, and says so', async () => {
    const env = { LOCAL_ASSISTANTS_URL: server.url, DEPLOYMENT_ID: `cli-${randomUUID().slice(0, 8)}`, UPSTREAM_PROTOCOL: 'responses' };
    const before = (await (await fetch(`${server.url}/_admin/stats`)).json()) as { by_route: Record<string, number> };
    const first = await cli(env);
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/, responses protocol\)$/m);
    for (const key of ['default', 'math-tutor', 'failed-banks', 'portfolio', 'sales', 'scheduler', 'trading']) expect(first.stdout).toMatch(new RegExp(`^defined\\s+${key}\\s+\\d+ data files`, 'm'));
    expect(first.stdout).toMatch(/^files: uploaded 6 /m);
    expect(first.stdout).toMatch(/^summary: 7 defined, no assistants written \(Responses protocol\)$/m);
    const after = (await (await fetch(`${server.url}/_admin/stats`)).json()) as { by_route: Record<string, number> };
    const assistantCalls = (stats: typeof before) => Object.entries(stats.by_route).filter(([route]) => route.includes('/assistants')).reduce((n, [, c]) => n + c, 0);
    expect(assistantCalls(after)).toBe(assistantCalls(before));

    const second = await cli(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^files: uploaded 0; reused 6 /m);
  });

  it('exits non-zero with the reason when the upstream cannot be reached', async () => {
    const result = await cli({ LOCAL_ASSISTANTS_URL: `http://127.0.0.1:${await closedPort()}`, DEPLOYMENT_ID: 'cli-down' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/assistants:sync failed: /);
  });
});

/**
 * Stands in for a model endpoint whose role assignment has not propagated yet: it answers the first
 * `denied` requests 403 with the service's body shape, then forwards to the local server.
 */
async function deniedAtFirst(target: string, denied: number): Promise<{ url: string; deniedCount(): number; close(): Promise<void> }> {
  let seen = 0;
  const upstream = new URL(target);
  const proxy: Server = createHttpServer((req, res) => {
    if (seen++ < denied) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'PermissionDenied', message: 'The principal lacks the required data action Microsoft.CognitiveServices/accounts/OpenAI/assistants/write.' } }));
      return;
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    deniedCount: () => Math.min(seen, denied),
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

describe('assistants:sync right after provisioning', () => {
  it('waits out 403s while roles propagate, then syncs', async () => {
    const proxy = await deniedAtFirst(server.url, 3);
    try {
      const result = await cli({ LOCAL_ASSISTANTS_URL: proxy.url, DEPLOYMENT_ID: `cli-${randomUUID().slice(0, 8)}` }, ['--auth-wait', '4s']);
      expect(result.stderr).not.toMatch(/failed/);
      expect(result.code).toBe(0);
      expect(proxy.deniedCount()).toBe(3);
      expect(result.stdout.match(/^Upstream answered 403; waiting for role assignments to propagate/gm)).toHaveLength(3);
      expect(result.stdout).toMatch(/^summary: 7 created/m);
    } finally {
      await proxy.close();
    }
  });

  it('gives up with the 403 once the wait is spent', async () => {
    const proxy = await deniedAtFirst(server.url, Number.MAX_SAFE_INTEGER);
    try {
      const result = await cli({ LOCAL_ASSISTANTS_URL: proxy.url, DEPLOYMENT_ID: 'cli-denied' }, ['--auth-wait', '2s']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/assistants:sync failed: .*403/);
    } finally {
      await proxy.close();
    }
  });
});
