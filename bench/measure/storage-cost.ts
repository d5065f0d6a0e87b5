// A probe of one-tool runs through the backend, started one after another on an otherwise idle stack:
// the HTTP start latency of a single request (no queueing behind other starts), the host's CPU per run, and
// the storage transactions per run counted at the proxy in front of Azurite. Nobody reads their SSE streams, so the count is the
// worker's and the API's own cost; the idle host's queue polling and CPU, measured just before, are subtracted
// (they are paid per second, not per run).
import { createScriptedThreads, knownUpstreamIds, startRun, waitForLedger } from '../followers/backend/api';
import type { FollowerContext } from '../followers/types';
import { sleep } from '../pool';
import { turnsFor, type WorkloadRun } from '../workload';
import { sampleProcess } from './process';
import { summarize, type Summary } from '../stats';
import { diffCounts, type StorageCounts } from './storage-proxy';

export interface StorageCost {
  runs: number;
  /** POST /threads/{id}/messages, one request at a time. */
  start_ms: Summary;
  /** Host CPU (utime+stime) per run, idle CPU subtracted. */
  cpu_ms_per_run: number;
  per_run: StorageCounts & { total: number };
  idle_queue_polls_per_s: number;
  by_operation: Record<string, number>;
  /** `message.delta` events (one ledger append each) the token relay wrote per run: part of the table count. */
  delta_events_per_run: number;
}

export async function measureStorageCost(ctx: FollowerContext): Promise<StorageCost> {
  const durationMs = 500;
  const workload: WorkloadRun[] = Array.from({ length: ctx.config.costRuns }, (_, index) => ({ index, kind: 'server_tool_1', durationMs, turns: turnsFor('server_tool_1', durationMs) }));
  const threads = await createScriptedThreads(ctx, workload);
  const knownBefore = await knownUpstreamIds(ctx.admin);

  const pid = ctx.stack.host.process.pid!;
  const idleStart = ctx.storage.counts();
  const idleCpuStart = sampleProcess(pid).cpuMs;
  const idleMs = 3000;
  await sleep(idleMs);
  const idlePerMs = diffCounts(ctx.storage.counts(), idleStart).queue / idleMs;
  const idleCpuPerMs = (sampleProcess(pid).cpuMs - idleCpuStart) / idleMs;

  const before = ctx.storage.counts();
  const cpuBefore = sampleProcess(pid).cpuMs;
  const detailBefore = ctx.storage.detail();
  const startedAt = Date.now();
  const started = [];
  for (const threadId of threads) started.push(await startRun(ctx.stack, ctx.ledger, threadId));
  await waitForLedger(ctx.ledger, ctx.admin, started, knownBefore, Date.now() + 120_000);
  // Let the last invocation's trailing writes (queue delete, thread touch) land.
  await sleep(1000);
  const elapsedMs = Date.now() - startedAt;
  const cpuMs = sampleProcess(pid).cpuMs - cpuBefore - idleCpuPerMs * elapsedMs;
  const spent = diffCounts(ctx.storage.counts(), before);
  const n = workload.length;
  const queue = Math.max(0, spent.queue - idlePerMs * elapsedMs) / n;
  const byOperation: Record<string, number> = {};
  for (const [key, count] of Object.entries(ctx.storage.detail())) {
    const delta = count - (detailBefore[key] ?? 0);
    if (delta > 0) byOperation[key] = Math.round((delta / n) * 100) / 100;
  }
  // Read directly from the ledger (not through the counting proxy), after the counts above were taken.
  let deltaEvents = 0;
  for (const run of started) deltaEvents += (await ctx.ledger.listRunEvents(run.runId)).filter((event) => event.type === 'message.delta').length;
  return {
    delta_events_per_run: deltaEvents / n,
    runs: n,
    start_ms: summarize(started.map((run) => run.latencyMs)),
    cpu_ms_per_run: Math.max(0, cpuMs) / n,
    per_run: { table: spent.table / n, queue, blob: spent.blob / n, total: spent.table / n + queue + spent.blob / n },
    idle_queue_polls_per_s: idlePerMs * 1000,
    by_operation: byOperation,
  };
}
