// One protocol's phase of the benchmark: a fresh stack started for that protocol (the app with
// UPSTREAM_PROTOCOL=<protocol>, its own Azurite behind a counting proxy, its own local server, so no figure of
// one protocol leaks into the other's stats), then the protocol's followers one after another on the same
// workload. A follower that throws is recorded as failed and the others still run: one broken follower must not
// hide the figures of the rest (the run still exits 1).
import OpenAI from 'openai';
import { startAzurite } from '../local/azurite';
import { startStack, type Stack } from '../local/stack';
import type { BenchConfig } from './config';
import { createBenchAssistant } from './followers/assistants/tools';
import { benchLedger } from './followers/backend/api';
import type { Follower, FollowerContext, FollowerKey, Protocol } from './followers/types';
import { followMetrics } from './measure/follow-metrics';
import { measureStorageCost } from './measure/storage-cost';
import { startStorageProxy } from './measure/storage-proxy';
import type { BackendFigures, FollowerResult, MeasuredProtocol } from './results';
import { serverAdmin } from './server-admin';
import type { WorkloadRun } from './workload';

export interface ProtocolPhase {
  protocol: Protocol;
  followers: readonly Follower[];
  config: BenchConfig;
  workload: readonly WorkloadRun[];
  /** Extra app settings (e.g. the --profile-host preload). */
  env?: Record<string, string>;
  log(line: string): void;
  /** Called with the running stack once the followers are done (the bundle is measured there). */
  whileUp?(stack: Stack): Promise<void>;
  /** Called with the stack as soon as it runs, and with undefined once it is closed (for signal handlers). */
  onStack?(stack: Stack | undefined): void;
}

export async function measureProtocol(phase: ProtocolPhase): Promise<{ result: MeasuredProtocol; problems: number }> {
  const { protocol, config, workload, log } = phase;
  const azurite = await startAzurite();
  const proxy = await startStorageProxy(azurite);
  // The project's own queue settings (the test stack shortens the polling interval), but one process takes every run
  // at once (BenchConfig.workerConcurrency): the target is about one process holding them all.
  const queues = { maxPollingInterval: '00:00:02', newBatchThreshold: config.workerConcurrency };
  const stack = await startStack({ azurite: proxy.azurite, queues, env: { UPSTREAM_PROTOCOL: protocol, ...phase.env } });
  phase.onStack?.(stack);
  let problems = 0;
  try {
    const openai = new OpenAI({ baseURL: `${stack.assistants.url}/v1`, apiKey: 'bench' });
    const admin = serverAdmin(stack.assistants.url);
    const ctx: FollowerContext = {
      protocol,
      stack,
      openai,
      admin,
      config,
      ...(protocol === 'assistants' ? { assistantId: await createBenchAssistant(openai) } : {}),
      ledger: benchLedger(azurite.connectionString),
      storage: proxy,
      log,
    };
    const result: MeasuredProtocol = { measured: true, followers: {} };
    for (const follower of phase.followers) {
      log(`${protocol}/${follower.key}: following ${workload.length} runs`);
      try {
        problems += await followOne(ctx, follower, workload, result);
      } catch (error) {
        problems++;
        const message = error instanceof Error ? error.message : String(error);
        (result.failures ??= {} as Partial<Record<FollowerKey, string>>)[follower.key] = message;
        log(`${protocol}/${follower.key}: FAILED: ${message}`);
        printHostErrors(stack);
      }
    }
    await phase.whileUp?.(stack);
    return { result, problems };
  } catch (error) {
    printHostErrors(stack);
    throw error;
  } finally {
    await stack.close();
    phase.onStack?.(undefined);
  }
}

/** What the host said about a failure, so a CI failure can be read without a rerun. */
function printHostErrors(stack: Stack): void {
  const hostErrors = stack.host.logs().split('\n').filter((line) => /error|fail|exit|crash/i.test(line));
  if (hostErrors.length) console.error(`host log, lines mentioning errors (last 20 of ${hostErrors.length}):\n${hostErrors.slice(-20).join('\n')}`);
}

/** Follows the workload with one follower and measures it; returns the number of runs it could not measure. */
async function followOne(ctx: FollowerContext, follower: Follower, workload: readonly WorkloadRun[], result: MeasuredProtocol): Promise<number> {
  const { protocol, admin, config, log } = ctx;
  const t0 = Date.now();
  const outcome = await follower.follow(ctx, workload);
  const wallS = (Date.now() - t0) / 1000;
  const metrics = followMetrics(outcome.runs, await admin.stats(), await admin.clockOffsetMs());
  const entry: FollowerResult = { ...metrics, description: follower.description, wall_s: wallS };
  result.followers[follower.key] = entry;
  log(
    `${protocol}/${follower.key}: ${wallS.toFixed(1)} s, calls/run ${metrics.calls_per_run.mean.toFixed(2)}, detection p50 ${metrics.detection_ms.p50.toFixed(0)} ms p99 ${metrics.detection_ms.p99.toFixed(0)} ms` +
      (metrics.problems.length ? `, ${metrics.problems.length} problems: ${metrics.problems.slice(0, 3).join('; ')}` : ''),
  );
  if (follower.key === 'backend' && outcome.extra) {
    result.backend = outcome.extra as unknown as BackendFigures;
    log(`${protocol}/backend: measuring storage transactions of ${config.costRuns} one-tool runs`);
    result.storage_cost = await measureStorageCost(ctx);
  }
  return metrics.problems.length;
}
