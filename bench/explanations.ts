// Why this backend misses a target, shown in docs/BENCHMARKS.md next to the miss. Each text is analysis of real
// runs (figures, --profile-host profiles), filled in with this run's numbers of the target's protocol; update it
// when a change moves them. The analyses were made on the Assistants protocol; where the Responses adapter
// behaves differently the text says what the figures are, not why.
import type { Protocol } from './followers/types';
import type { BenchResults } from './results';
import { round, targetKey, type TargetResult } from './targets';

/** `protocol` is the target's (the bundle's targets ignore it). */
type Explain = (results: BenchResults, protocol: Protocol) => string;

const measured = (r: BenchResults, protocol: Protocol) => {
  const result = r.protocols[protocol];
  return result.measured ? result : undefined;
};

const afterBurst = (r: BenchResults, protocol: Protocol) => {
  const b = measured(r, protocol)?.backend;
  if (!b) return '';
  return (
    `moments during the start burst: p50 ${round(b.detection_during_burst_ms.p50)} ms, p99 ${round(b.detection_during_burst_ms.p99)} ms (${b.detection_during_burst_ms.n}); ` +
    `after it: p50 ${round(b.detection_after_burst_ms.p50)} ms, p99 ${round(b.detection_after_burst_ms.p99)} ms (${b.detection_after_burst_ms.n}). `
  );
};

export const EXPLANATIONS: Partial<Record<string, Explain>> = {
  calls_vs_poll_1s: (r, protocol) => {
    const f = measured(r, protocol)?.followers;
    const turns =
      protocol === 'assistants'
        ? 'one streaming create plus one streaming submit per tool round'
        : 'one streaming create per response of the chain (the response that asked for outputs is not retrieved again: this process remembers ended responses, src/upstream/responses/ended.ts)';
    return (
      `the backend's calls do not depend on a run's length: ${turns} ` +
      `(${round(f?.backend?.calls_per_run.mean ?? NaN)} per run here, p50 ${f?.backend?.calls_per_run.p50}), while a 1 s loop makes about one call per second of run. ` +
      `With this workload's short runs (median 4 s × time scale ${r.config.timeScale}) the loop averages ${round(f?.poll_1s?.calls_per_run.mean ?? NaN)} calls, ` +
      `so ¼ would need the backend below one call per run plus its tool rounds, which a create call alone already spends; the ratio improves with longer runs.`
    );
  },
  detection_p50: (r, protocol) =>
    afterBurst(r, protocol) +
    'a decisive event is recorded only after the events before it on the same stream (thread.message.completed is appended to the ledger first), ' +
    'and the status write itself is an ETag-checked write (plus a read when this process did not write the row last); each storage round trip goes through Azurite (and the counting proxy) on a shared 2-core machine. ' +
    "During the start burst the one host process also serves every HTTP start and every SSE reader's ledger polling, so the worker waits for the event loop.",
  detection_p99: (r, protocol) =>
    afterBurst(r, protocol) +
    'the tail is the start burst: while starts arrive the single host process is CPU-bound (see CPU per run), so stream events wait behind HTTP requests and ledger polls; ' +
    'runs that change state after the burst are recorded much faster.',
  worker_rss: (r, protocol) =>
    `a fresh process with only the entry loaded already holds ${round((r.bundle?.loaded_rss_bytes ?? NaN) / 1024 / 1024)} MB (the local host runs under tsx, which the Azure worker does not); ` +
    `the runs in flight add the rest (${measured(r, protocol)?.backend?.peak_in_flight ?? '?'} at the peak).`,
  worker_cpu: (r, protocol) => {
    const cost = measured(r, protocol)?.storage_cost;
    return (
      `5 ms is below the cost of the storage round trips alone: a one-tool run makes ${round(cost?.per_run.total ?? NaN)} storage requests, and each costs about a millisecond ` +
      'of CPU in the Azure SDK pipeline (shared-key HMAC signing, URL building, tracing spans and response deserialisation were the top items of a --profile-host profile), ' +
      `on top of the HTTP API, the library's HTTP-stream forwarding and parsing the upstream SSE stream. One at a time, without SSE readers, a one-tool run costs ${round(cost?.cpu_ms_per_run ?? NaN)} ms; ` +
      'the figure above also pays for the SSE readers polling the ledger every 300 ms.'
    );
  },
  start_p50: () =>
    'a start is six sequential round trips: read the owned thread, claim the thread (an ETag write against the version just read), create the upstream message ' +
    '(Assistants: a message on the thread; Responses: a conversation item), record the run, send the queue message. At a few milliseconds per Azurite request through the ' +
    'counting proxy on this shared machine, plus the host forwarding the request to the worker over HTTP, that is above 15 ms before any CPU is spent.',
  storage_one_tool: (r, protocol) => {
    const ops = measured(r, protocol)?.storage_cost?.by_operation ?? {};
    const top = Object.entries(ops)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    return (
      `every status change is an ETag-checked write and an event append (${top}); the read before a write is skipped when this process holds the row's last ETag. ` +
      (protocol === 'responses'
        ? 'On Responses each response of the chain adds its claim, its link and its stream cursor to the run row (claimResponseChain, linkResponse, streamCursor): the crash-safety of the chain (one creator per link, resuming after the last handled event). '
        : '') +
      'Appending a status change and its event in one batch would need both in one partition (the run row is keyed by thread, its events by run), so it was not done.'
    );
  },
  entry_load: () =>
    'loading the bundle evaluates the Azure SDKs (@azure/data-tables and @azure/storage-queue with their core pipeline), zod schema construction and openai at load time; ' +
    '@azure/identity (with MSAL) is required only when a credential is first needed (src/azure-identity.ts). Building route schemas on first use would cut more. ' +
    'The figure is a fresh process under tsx with the local host\'s module intercept, on a shared machine (see the load average under Machine).',
  calls_vs_sdk: (_r, protocol) =>
    protocol === 'assistants'
      ? 'the SDK helpers poll every 100 ms (openai-poll-after-ms), so they should always make more calls than the backend; a miss means the backend re-read runs it should have streamed.'
      : 'the SDK helper makes two calls per response of the chain (the background create and its event stream); a backend that streams its creates makes one, so a miss means the backend retrieved or re-streamed responses it should have followed on one stream.',
  bundle_size: () => 'a dependency grew the bundle; `npx esbuild --analyze` on src/main.ts lists the largest inputs.',
};

/** The explanation of each target that is not met, by targetKey (`assistants.detection_p99`, `entry_load`). */
export function explainMisses(results: BenchResults, targets: readonly TargetResult[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const t of targets) {
    if (t.status === 'met') continue;
    if (t.status === 'not measured') {
      const failed = failedFollowers(results, t);
      if (failed) texts[targetKey(t)] = failed;
      continue;
    }
    const explain = EXPLANATIONS[t.id];
    if (explain) texts[targetKey(t)] = explain(results, t.protocol ?? 'assistants');
  }
  return texts;
}

/** Why a target of a protocol that ran lacks its figure, when a follower failed (a follower left out with --only needs no words). */
function failedFollowers(results: BenchResults, t: TargetResult): string | undefined {
  const failed = Object.keys((t.protocol ? measured(results, t.protocol) : undefined)?.failures ?? {});
  return failed.length ? `${failed.map((key) => `\`${key}\``).join(', ')} failed on this protocol (the error is in its section above).` : undefined;
}
