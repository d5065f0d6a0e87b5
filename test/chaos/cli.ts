// `npm run test:chaos [-- --quick] [--seed N] [--runs N] [--kills N] [--hosts N] [--protocol responses|assistants]`: the chaos
// suite (vitest, test/chaos/chaos.test.ts; full mode with CHAOS_FULL=1), once per upstream protocol (default both, in
// turn). Its last lines are one CHAOS summary per protocol; exits non-zero when a run was lost, an email went out
// twice, a thread stayed wedged, or an error or secret leaked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};

const protocols = (option('protocol') ?? 'responses,assistants').split(',');
const root = path.resolve(__dirname, '../..');
const lines: string[] = [];
let failed = false;
for (const protocol of protocols) {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'chaos-')), 'result.json');
  const env: NodeJS.ProcessEnv = { ...process.env, CHAOS_OUT: out, ...(args.includes('--quick') ? {} : { CHAOS_FULL: '1' }) };
  for (const [flag, name] of [['seed', 'CHAOS_SEED'], ['runs', 'CHAOS_RUNS'], ['kills', 'CHAOS_KILLS'], ['hosts', 'CHAOS_HOSTS']] as const) {
    const value = option(flag);
    if (value !== undefined) env[name] = value;
  }
  // The vitest project of the protocol matrix (vitest.config.ts) sets TEST_UPSTREAM_PROTOCOL for the stack.
  const vitest = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', protocol, 'test/chaos/chaos.test.ts'], { cwd: root, env, stdio: 'inherit' });
  if (!existsSync(out)) {
    console.error(`chaos (${protocol}): the run produced no result (the stack did not start?)`);
    failed = true;
    continue;
  }
  lines.push((JSON.parse(readFileSync(out, 'utf8')) as { line: string }).line);
  if (vitest.status !== 0) failed = true;
}
for (const line of lines) console.log(line);
process.exit(failed ? 1 : 0);
