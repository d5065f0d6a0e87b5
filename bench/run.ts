// `npm run bench` (full: 1000 runs per follower, real time) and `npm run bench -- --quick` (CI: fewer runs,
// time scaled down). For each upstream protocol it starts the local stack (local/stack.ts) for that protocol
// (UPSTREAM_PROTOCOL=<protocol>) with a counting proxy in front of Azurite, runs the protocol's followers one after
// another on the same workload, measures them from the server's stats and the ledger; then writes the report and
// prints `BENCH {json}` last. Exit 1 only when something crashed, a follower failed or a run could not be
// measured; missed targets are reported, not fatal.
//   --only=sdk,backend          a subset of followers (development; targets needing the others read "not measured")
//   --protocols=responses       a subset of protocols (the others are reported as not selected)
//   --doc=path                  where to write the report
//   --profile-host              each host writes a V8 CPU profile to .data/bench/profiles/ when it exits
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Stack } from '../local/stack';
import { listFlag, parseArgs } from './config';
import { explainMisses } from './explanations';
import { FOLLOWER_ORDER, type FollowerKey, type Protocol } from './followers/types';
import { machineInfo } from './machine';
import { measureBundle, type BundleFigures } from './measure/bundle';
import { PROTOCOL_ORDER, PROTOCOLS } from './protocols';
import { benchLine, renderMarkdown } from './report';
import type { BenchResults, ProtocolResult } from './results';
import { measureProtocol } from './run-protocol';
import { summarize } from './stats';
import { evaluateTargets, targetKey } from './targets';
import { generateWorkload, kindCounts } from './workload';

const ROOT = path.resolve(__dirname, '..');
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const config = parseArgs(argv, process.env);
  const docArg = argv.find((arg) => arg.startsWith('--doc='))?.slice(6);
  const only = listFlag(argv, 'only') as FollowerKey[] | undefined;
  const selected = (listFlag(argv, 'protocols') ?? PROTOCOL_ORDER) as Protocol[];
  const unknown = (list: readonly string[] | undefined, known: readonly string[]) => (list ?? []).filter((name) => !known.includes(name));
  if (unknown(selected, PROTOCOL_ORDER).length) throw new Error(`--protocols: unknown ${unknown(selected, PROTOCOL_ORDER).join(', ')} (known: ${PROTOCOL_ORDER.join(', ')})`);
  if (unknown(only, FOLLOWER_ORDER).length) throw new Error(`--only: unknown ${unknown(only, FOLLOWER_ORDER).join(', ')} (known: ${FOLLOWER_ORDER.join(', ')})`);
  const docPath = path.resolve(ROOT, docArg ?? (config.mode === 'full' ? 'docs/BENCHMARKS.md' : '.data/bench/BENCHMARKS.quick.md'));
  const startedAt = Date.now();
  const machine = machineInfo();
  log(`${config.mode} mode: ${config.runs} runs per follower, time scale ${config.timeScale}, protocols ${selected.join(', ')}`);

  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const profileDir = path.join(ROOT, '.data/bench/profiles');
  const profileEnv = argv.includes('--profile-host')
    ? { NODE_OPTIONS: `--import ${pathToFileURL(path.join(__dirname, 'measure/cpu-profile-preload.mjs')).href}`, BENCH_PROFILE_DIR: profileDir }
    : undefined;
  // Ctrl-C (or a CI timeout's SIGTERM) stops the running stack's child processes too.
  let running: Stack | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the stack`);
      void (running?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }

  const workload = generateWorkload({ runs: config.runs, seed: config.seed, timeScale: config.timeScale });
  const protocols = {} as Record<Protocol, ProtocolResult>;
  let bundle: BundleFigures | undefined;
  let problems = 0;
  for (const protocol of PROTOCOL_ORDER) {
    const plan = PROTOCOLS[protocol];
    const followers = plan.followers.filter((f) => !only || only.includes(f.key));
    const note = !selected.includes(protocol) ? `not selected (--protocols=${selected.join(',')})` : followers.length === 0 ? (plan.note ?? `no follower selected (--only=${only?.join(',')})`) : undefined;
    if (note) {
      protocols[protocol] = { measured: false, note };
      log(`${protocol}: not measured (${note})`);
      continue;
    }
    const phase = await measureProtocol({
      protocol,
      followers,
      config,
      workload,
      env: profileEnv,
      log,
      onStack: (stack) => void (running = stack),
      // The bundle is the same for every protocol: measured once, with the first stack's settings.
      whileUp: async (stack) => {
        if (bundle) return;
        log('measuring the bundle and its cold load');
        bundle = await measureBundle(stack.env);
      },
    });
    protocols[protocol] = phase.result;
    problems += phase.problems;
  }

  const results: BenchResults = {
    config,
    machine,
    started_at: new Date(startedAt).toISOString(),
    duration_s: (Date.now() - startedAt) / 1000,
    workload: { runs: workload.length, kinds: kindCounts(workload), duration_ms: summarize(workload.map((run) => run.durationMs)) },
    protocols,
    bundle,
  };
  const targets = evaluateTargets(results);
  mkdirSync(path.dirname(docPath), { recursive: true });
  writeFileSync(docPath, renderMarkdown(results, targets, explainMisses(results, targets)));
  for (const t of targets.filter((t) => !t.protocol || protocols[t.protocol].measured)) {
    log(`target ${targetKey(t)} ${t.label}: ${t.status}${t.actual === null ? '' : ` (${t.actual.toFixed(2)}${t.unit === '×' ? '×' : ` ${t.unit}`}, limit ${t.limit})`}${t.by ? `, ${t.by}` : ''}`);
  }
  log(`report written to ${path.relative(ROOT, docPath)} after ${((Date.now() - startedAt) / 1000).toFixed(0)} s${problems ? `; ${problems} followers failed or runs could not be measured` : ''}`);
  console.log(benchLine(results, targets));
  return problems > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
