// (d) This backend, on the protocol its stack was started for: runs started through its HTTP API, followed by
// its queue worker over the upstream's event stream; the moments come from the ledger (on Responses the run's
// response chain too, RunRecord.upstreamRunIds). Frontends follow client-tool runs (and a sample of the rest) over
// the API's SSE stream, answering client tools there and timing the delivery of each event.
import { peakOverlap, summarize } from '../../stats';
import { detectionDelays } from '../../measure/follow-metrics';
import { mapPool } from '../../pool';
import { readEvents } from '../../sse-client';
import { watchProcess } from '../../measure/process';
import { diffCounts } from '../../measure/storage-proxy';
import type { WorkloadRun } from '../../workload';
import type { Follower, FollowerContext, Protocol } from '../types';
import { BENCH_USER, backendApi, createScriptedThreads, knownUpstreamIds, ledgerMoments, startRun, waitForLedger, type StartedRun } from './api';

async function followOverSse(ctx: FollowerContext, run: StartedRun, deliveries: number[]): Promise<void> {
  const api = backendApi(ctx.stack);
  let lastId: string | undefined;
  let done = false;
  // The API ends a stream after a while; a frontend reconnects with Last-Event-ID until the run is done.
  while (!done) {
    const headers: Record<string, string> = { 'x-user-id': BENCH_USER, ...(lastId ? { 'last-event-id': lastId } : {}) };
    await readEvents(`${ctx.stack.api}/threads/${run.threadId}/runs/${run.runId}/events`, headers, async (event) => {
      if (event.id) lastId = event.id;
      if (event.event === 'done') done = true;
      const data = event.data as { at?: number; tool_call_ids?: string[] };
      if (typeof data.at === 'number') deliveries.push(event.receivedMs - data.at);
      if (event.event === 'run.requires_client_action' && data.tool_call_ids) {
        const outputs = data.tool_call_ids.map((id) => ({ tool_call_id: id, output: '{"city":"Oslo","country":"NO"}' }));
        const answer = await api.post(`/threads/${run.threadId}/runs/${run.runId}/tool_outputs`, { tool_outputs: outputs });
        if (answer.status !== 202) throw new Error(`tool_outputs answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    });
  }
}

async function follow(ctx: FollowerContext, workload: readonly WorkloadRun[]) {
  const { stack, admin, config } = ctx;
  const threads = await createScriptedThreads(ctx, workload);
  const knownBefore = await knownUpstreamIds(admin);
  const pid = stack.host.process.pid!;
  const watch = watchProcess(pid);
  const storageBefore = ctx.storage.counts();
  const deliveries: number[] = [];
  const sse: Array<Promise<void>> = [];
  // A failing SSE reader (e.g. a rejected tool_outputs) ends the wait at once instead of at the deadline.
  let sseFailure: Error | undefined;
  const read = (run: StartedRun) => followOverSse(ctx, run, deliveries).catch((error: unknown) => void (sseFailure ??= error instanceof Error ? error : new Error(String(error))));

  const burstStart = Date.now();
  const started = await mapPool(workload, config.startConcurrency, async (run, i) => {
    const startedRun = await startRun(stack, ctx.ledger, threads[i]!);
    if (run.kind === 'client_tool' || i % config.sseSampleEvery === 0) sse.push(read(startedRun));
    return startedRun;
  });
  const burstEnd = Date.now();
  const burstMs = burstEnd - burstStart;
  ctx.log(`backend: ${started.length} runs started in ${burstMs} ms`);

  const longest = Math.max(...workload.map((run) => run.durationMs));
  const records = await waitForLedger(ctx.ledger, admin, started, knownBefore, Date.now() + longest * 3 + 180_000 + workload.length * 1000, () => sseFailure);
  await Promise.all(sse);
  if (sseFailure) throw sseFailure;
  const resources = watch.stop();
  const storage = diffCounts(ctx.storage.counts(), storageBefore);
  const runs = records.map((record, i) => ({
    index: workload[i]!.index,
    upstreamRunId: record.upstreamRunId ?? '',
    ...(record.upstreamRunIds?.length ? { upstreamRunIds: record.upstreamRunIds } : {}),
    status: record.status,
    ...ledgerMoments(record),
  }));
  const inFlight = peakOverlap(started.map((run, i) => ({ start: run.sentMs, end: runs[i]!.terminalSeenMs ?? run.sentMs })));
  const total = storage.blob + storage.queue + storage.table;
  // The same delays, split at the end of the start burst: the host serves every start in the same process.
  const stats = await admin.stats();
  const offset = await admin.clockOffsetMs();
  return {
    runs,
    extra: {
      runs: started.length,
      start_ms: summarize(started.map((run) => run.latencyMs)),
      start_retries: started.reduce((sum, run) => sum + run.retries, 0),
      storage_proxy_errors: ctx.storage.errors(),
      starts_per_s: started.length / (burstMs / 1000),
      completed_per_s: started.length / ((Math.max(...runs.map((run) => run.terminalSeenMs ?? 0)) - burstStart) / 1000),
      peak_in_flight: inFlight,
      rss_mb: { at_start: mb(resources.rssAtStartBytes), peak: mb(resources.peakRssBytes), lifetime_peak: mb(resources.lifetimePeakRssBytes) },
      cpu_ms_per_run: resources.cpuMs / started.length,
      storage_per_run: { table: storage.table / started.length, queue: storage.queue / started.length, blob: storage.blob / started.length, total: total / started.length },
      detection_during_burst_ms: summarize(detectionDelays(runs, stats, offset, (moment) => moment <= burstEnd)),
      detection_after_burst_ms: summarize(detectionDelays(runs, stats, offset, (moment) => moment > burstEnd)),
      sse: { followed_runs: sse.length, delivery_ms: summarize(deliveries) },
    },
  };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function backendFollower(protocol: Protocol): Follower {
  return {
    key: 'backend',
    protocol,
    description: `this backend (UPSTREAM_PROTOCOL=${protocol}): POST /threads/{id}/messages, queue worker following the ${protocol === 'assistants' ? 'run' : 'response'} stream; moments from the ledger`,
    follow,
  };
}
