// `npm run assistants:sync` (scripts/assistants-sync.ts) as a child process against the local Assistants server.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer } from '../../../local/assistants-server';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await startAssistantsServer();
});

afterAll(async () => {
  await server?.close();
});

/** Runs the CLI with only the settings given (none of the developer's environment leaks in). */
async function cli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['scripts/assistants-sync.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ASSISTANTS_PROVIDER: 'local', ...env },
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
    for (const key of ['default', 'math-tutor', 'failed-banks', 'portfolio', 'sales', 'trading']) {
      expect(first.stdout).toMatch(new RegExp(`^created\\s+${key}\\s+\\S+`, 'm'));
    }
    expect(first.stdout).toMatch(/^files: uploaded 6 /m);

    const second = await cli(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^summary: 0 created, 0 updated, 6 unchanged, 0 removed, 0 duplicates$/m);
    expect(second.stdout).toMatch(/^files: uploaded 0; reused 6 /m);
  });

  it('exits non-zero with the reason when the upstream cannot be reached', async () => {
    const result = await cli({ LOCAL_ASSISTANTS_URL: `http://127.0.0.1:${await closedPort()}`, DEPLOYMENT_ID: 'cli-down' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/assistants:sync failed: /);
  });
});
