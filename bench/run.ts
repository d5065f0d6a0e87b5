// `npm run bench` (full: 1000 runs per follower, real time) and `npm run bench -- --quick` (CI: fewer runs,
// time scaled down). Starts the local stack (local/stack.ts) with a counting proxy in front of Azurite, runs
// every protocol's followers one after another on the same workload, measures them from the server's stats and
// the ledger, writes the report, and prints `BENCH {json}` last. Exit 1 only when something crashed or a run
// could not be measured; missed targets are reported, not fatal.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { startAzurite } from '../local/azurite';
import { startStack } from '../local/stack';
import { parseArgs } from './config';
import { explainMisses } from './explanations';
import { machineInfo } from './machine';
import { measureBundle } from './measure/bundle';
import { followMetrics } from './measure/follow-metrics';
import { measureStorageCost } from './measure/storage-cost';
import { startStorageProxy } from './measure/storage-proxy';
import { benchLine, renderMarkdown } from './report';
import { PROTOCOLS } from './protocols';
import type { BackendFigures, BenchResults, FollowerResult, ProtocolResult } from './results';
import { serverAdmin } from './server-admin';
import { summarize } from './stats';
import { evaluateTargets } from './targets';
import type { FollowerContext, Protocol } from './followers/types';
import { benchLedger } from './followers/assistants/backend-api';
import { generateWorkload, kindCounts, CLIENT_TOOL, SERVER_TOOL } from './workload';

const ROOT = path.resolve(__dirname, '..');
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<number> {
  const config = parseArgs(process.argv.slice(2), process.env);
  const docArg = process.argv.find((arg) => arg.startsWith('--doc='))?.slice(6);
  // --only=sdk,backend: a subset of followers (for development; targets needing the others read "not measured").
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice(7).split(',');
  const docPath = path.resolve(ROOT, docArg ?? (config.mode === 'full' ? 'docs/BENCHMARKS.md' : '.data/bench/BENCHMARKS.quick.md'));
  const startedAt = Date.now();
  const machine = machineInfo();
  log(`${config.mode} mode: ${config.runs} runs per follower, time scale ${config.timeScale}`);

  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const azurite = await startAzurite();
  const proxy = await startStorageProxy(azurite);
  // The project's own queue settings (the test stack shortens the polling interval).
  // --profile-host: the host writes a V8 CPU profile to .data/bench/profiles/ when it exits.
  const profileDir = path.join(ROOT, '.data/bench/profiles');
  const profileEnv = process.argv.includes('--profile-host')
    ? { NODE_OPTIONS: `--import ${pathToFileURL(path.join(__dirname, 'measure/cpu-profile-preload.mjs')).href}`, BENCH_PROFILE_DIR: profileDir }
    : undefined;
  // Assistants: the benchmark compares the backend with direct followers of Assistants runs and scripts turns by thread id.
  const stack = await startStack({ protocol: 'assistants', azurite: proxy.azurite, queues: { maxPollingInterval: '00:00:02' }, env: profileEnv });
  // Ctrl-C (or a CI timeout's SIGTERM) stops the stack's child processes too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the stack`);
      void stack.close().finally(() => process.exit(130));
    });
  }
  let problems = 0;
  try {
    const openai = new OpenAI({ baseURL: `${stack.assistants.url}/v1`, apiKey: 'bench' });
    const admin = serverAdmin(stack.assistants.url);
    const workload = generateWorkload({ runs: config.runs, seed: config.seed, timeScale: config.timeScale });
    const assistant = await openai.beta.assistants.create({
      model: 'gpt-4o',
      name: 'bench',
      tools: [SERVER_TOOL, CLIENT_TOOL].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: {} } } })),
    });
    const ctx: FollowerContext = { stack, openai, admin, config, assistantId: assistant.id, ledger: benchLedger(azurite.connectionString), storage: proxy, log };

    const protocols = {} as Record<Protocol, ProtocolResult>;
    for (const [protocol, plan] of Object.entries(PROTOCOLS) as Array<[Protocol, (typeof PROTOCOLS)[Protocol]]>) {
      if (plan.followers.length === 0) {
        protocols[protocol] = { measured: false, note: plan.note ?? 'no followers' };
        log(`${protocol}: not measured (${plan.note})`);
        continue;
      }
      const result: Extract<ProtocolResult, { measured: true }> = { measured: true, followers: {} };
      for (const follower of plan.followers.filter((f) => !only || only.includes(f.key))) {
        log(`${protocol}/${follower.key}: following ${workload.length} runs`);
        const t0 = Date.now();
        const outcome = await follower.follow(ctx, workload);
        const wallS = (Date.now() - t0) / 1000;
        const metrics = followMetrics(outcome.runs, await admin.stats(), await admin.clockOffsetMs());
        const entry: FollowerResult = { ...metrics, description: follower.description, wall_s: wallS };
        result.followers[follower.key] = entry;
        problems += metrics.problems.length;
        log(`${protocol}/${follower.key}: ${wallS.toFixed(1)} s, calls/run ${metrics.calls_per_run.mean.toFixed(2)}, detection p50 ${metrics.detection_ms.p50.toFixed(0)} ms p99 ${metrics.detection_ms.p99.toFixed(0)} ms${metrics.problems.length ? `, ${metrics.problems.length} problems: ${metrics.problems.slice(0, 3).join('; ')}` : ''}`);
        if (follower.key === 'backend' && outcome.extra) {
          result.backend = outcome.extra as unknown as BackendFigures;
          log(`${protocol}/backend: measuring storage transactions of ${config.costRuns} one-tool runs`);
          result.storage_cost = await measureStorageCost(ctx);
        }
      }
      protocols[protocol] = result;
    }

    log('measuring the bundle and its cold load');
    const bundle = await measureBundle(stack.env);
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
    writeFileSync(docPath, renderMarkdown(results, targets, explainMisses(results)));
    for (const t of targets) log(`target ${t.label}: ${t.status}${t.actual === null ? '' : ` (${t.actual.toFixed(2)}${t.unit === '×' ? '×' : ` ${t.unit}`}, limit ${t.limit})`}${t.by ? `, ${t.by}` : ''}`);
    log(`report written to ${path.relative(ROOT, docPath)}${problems ? `; ${problems} runs could not be measured` : ''}`);
    console.log(benchLine(results, targets));
  } catch (error) {
    // What the host said about it, so a CI failure can be read without a rerun.
    const hostErrors = stack.host.logs().split('\n').filter((line) => /error|fail/i.test(line));
    if (hostErrors.length) console.error(`host log, lines mentioning errors (last 20 of ${hostErrors.length}):\n${hostErrors.slice(-20).join('\n')}`);
    throw error;
  } finally {
    await stack.close();
  }
  return problems > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
