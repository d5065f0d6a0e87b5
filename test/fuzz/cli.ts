// `npm run test:fuzz [-- --seed N --requests N]`: the full fuzz run (vitest, test/fuzz/fuzz.test.ts with
// FUZZ_FULL=1). Prints the findings and, as its last line, the FUZZ summary; exits non-zero on any finding.
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

const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'fuzz-')), 'result.json');
const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_FULL: '1', FUZZ_OUT: out };
const seed = option('seed');
const requests = option('requests');
if (seed !== undefined) env.FUZZ_SEED = seed;
if (requests !== undefined) env.FUZZ_REQUESTS = requests;

const root = path.resolve(__dirname, '../..');
const vitest = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/fuzz/fuzz.test.ts'], { cwd: root, env, stdio: 'inherit' });

if (!existsSync(out)) {
  console.error('fuzz: the run produced no result (the stack did not start?)');
  process.exit(vitest.status || 1);
}
const result = JSON.parse(readFileSync(out, 'utf8')) as { line: string; findings: unknown[]; distinct: Array<{ key: string; count: number; example: Record<string, unknown> }> };
if (result.distinct.length > 0) {
  console.log(`\n${result.findings.length} finding(s), ${result.distinct.length} distinct (all of them in ${out}):`);
  for (const d of result.distinct) console.log(`  ${d.count}× ${d.key}\n     e.g. ${d.example.method} ${d.example.path} sent: ${d.example.request} → ${d.example.status} ${String(d.example.body).slice(0, 160)}`);
}
console.log(result.line);
process.exit(result.findings.length > 0 || vitest.status !== 0 ? 1 : 0);
