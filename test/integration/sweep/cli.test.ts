// `npm run sweep` (scripts/sweep.ts) as a child process against the local stack.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { uploadedDataFileNames } from '../../../src/assistants';
import { readDefinedDataFilePaths, type SweepSummary } from '../../../src/sweep';
import { upload } from './world';
import { DEPLOYMENT, PROTOCOL, useSweepStack } from './stack';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

describe('sweep CLI', () => {
  const stack = useSweepStack();

  /** Runs the CLI with the stack's settings only (none of the developer's environment leaks in). */
  async function cli(args: string[], settings: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      UPSTREAM_PROTOCOL: PROTOCOL,
      ...settings,
      ASSISTANTS_PROVIDER: 'local',
      LOCAL_ASSISTANTS_URL: stack.server.url,
      AzureWebJobsStorage: String(stack.config.AzureWebJobsStorage),
      LEDGER_TABLE_PREFIX: stack.config.LEDGER_TABLE_PREFIX,
      DEPLOYMENT_ID: stack.config.DEPLOYMENT_ID,
    };
    try {
      const { stdout, stderr } = await run(TSX, ['scripts/sweep.ts', ...args], { cwd: ROOT, env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  it.runIf(PROTOCOL === 'assistants')('lists in a dry run, then deletes, assistants whose key assistants/*.json no longer defines', async () => {
    const { DEPLOYMENT_ID } = stack.config;
    const retired = await stack.seed.beta.assistants.create({ model: 'gpt-4o', metadata: { app_deployment: DEPLOYMENT_ID, app_key: 'retired' } });
    const defined = await stack.seed.beta.assistants.create({ model: 'gpt-4o', metadata: { app_deployment: DEPLOYMENT_ID, app_key: 'sales' } });

    const dry = await cli(['--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const summary = JSON.parse(dry.stdout.slice(dry.stdout.indexOf('{'))) as SweepSummary;
    expect(summary).toMatchObject({ dryRun: true, leaseAcquired: true, complete: true });
    expect(summary.kinds.assistants).toMatchObject({ examined: 2, wouldDelete: [retired.id], skipped: { defined: 1 } });
    await expect(stack.seed.beta.assistants.retrieve(retired.id)).resolves.toMatchObject({ id: retired.id });

    const real = await cli([]);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^ {2}assistants\s+examined 2, deleted 1, failed 0, skipped: defined 1$/m);
    await expect(stack.seed.beta.assistants.retrieve(retired.id)).rejects.toMatchObject({ status: 404 });
    await expect(stack.seed.beta.assistants.retrieve(defined.id)).resolves.toMatchObject({ id: defined.id });
  });

  it.runIf(PROTOCOL === 'responses')('keeps the data files assistants/*.json use now and deletes older uploads of ours', async () => {
    const [current] = await uploadedDataFileNames(DEPLOYMENT, path.join(ROOT, 'data'), await readDefinedDataFilePaths(path.join(ROOT, 'assistants')));
    const used = await upload(stack.seed, current as string);
    const old = await upload(stack.seed, `${DEPLOYMENT}~fedcba9876543210~sales__old.csv`);
    // Any age counts as old: the files were made before the CLI started.
    const settings = { FILE_TTL: '1ms' };

    const dry = await cli(['--dry-run', '--json'], settings);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`, responses protocol), dry run`);
    const summary = JSON.parse(dry.stdout.slice(dry.stdout.indexOf('{'))) as SweepSummary;
    expect(summary.kinds.assistants).toBeUndefined();
    expect(summary.kinds.files).toMatchObject({ examined: 2, wouldDelete: [old], skipped: { referenced: 1 } });

    const real = await cli([], settings);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^ {2}files\s+examined 2, deleted 1, failed 0, skipped: referenced 1$/m);
    await expect(stack.seed.files.retrieve(old)).rejects.toMatchObject({ status: 404 });
    await expect(stack.seed.files.retrieve(used)).resolves.toMatchObject({ id: used });
  });

  it('rejects unknown arguments', async () => {
    const result = await cli(['--force']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown argument\(s\) --force/);
  });
});
