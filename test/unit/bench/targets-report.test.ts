import { describe, expect, it } from 'vitest';
import { listFlag, parseArgs } from '../../../bench/config';
import { explainMisses } from '../../../bench/explanations';
import { cpuMsFromStat } from '../../../bench/measure/process';
import { benchJson, benchLine, renderMarkdown } from '../../../bench/report';
import type { BenchResults, FollowerResult, MeasuredProtocol } from '../../../bench/results';
import { parseFrames } from '../../../bench/sse-client';
import { summarize } from '../../../bench/stats';
import { evaluateTargets, judge } from '../../../bench/targets';

function follower(calls: number[], delays: number[]): FollowerResult {
  return { runs: calls.length, calls_per_run: summarize(calls), detection_ms: summarize(delays), problems: [], description: 'how', wall_s: 1 };
}

function results(): BenchResults {
  return {
    config: parseArgs(['--quick']),
    machine: { cpu: 'Test CPU', cores: 2, memory_gb: 4, node: '20.0.0', os: 'Linux', load_avg: [1, 1, 1] },
    started_at: '2026-01-01T00:00:00.000Z',
    duration_s: 100,
    workload: { runs: 4, kinds: { plain: 2, server_tool_1: 1, server_tool_2: 0, client_tool: 1 }, duration_ms: summarize([100, 200, 300, 400]) },
    protocols: {
      assistants: {
        measured: true,
        followers: {
          seed_5s: follower([3, 3, 4, 4], [2000, 2500]),
          poll_1s: follower([8, 8, 8, 8], [400, 500]),
          sdk: follower([20, 20, 20, 20], [50, 60]),
          backend: follower([2, 2, 2, 2], [100, 2000]),
        },
        backend: {
          runs: 4,
          start_ms: summarize([10, 12, 14, 40]),
          start_retries: 0,
          storage_proxy_errors: {},
          starts_per_s: 50,
          completed_per_s: 20,
          peak_in_flight: 4,
          rss_mb: { at_start: 100, peak: 300, lifetime_peak: 310 },
          cpu_ms_per_run: 4,
          storage_per_run: { table: 20, queue: 5, blob: 0, total: 25 },
          detection_during_burst_ms: summarize([2000]),
          detection_after_burst_ms: summarize([100]),
          sse: { followed_runs: 2, delivery_ms: summarize([100, 300]) },
        },
        storage_cost: { runs: 2, start_ms: summarize([11, 13]), cpu_ms_per_run: 3, per_run: { table: 20, queue: 4, blob: 0, total: 24 }, idle_queue_polls_per_s: 1, by_operation: { 'table GET ledgerRuns': 6 }, delta_events_per_run: 2 },
      },
      responses: { measured: false, note: 'not there yet' },
    },
    bundle: { bundle_bytes: 4 * 1024 * 1024, minified_bytes: 1.5 * 1024 * 1024, load_ms: summarize([150, 160, 170]), loaded_rss_bytes: 120 * 1024 * 1024 },
  };
}

describe('parseArgs', () => {
  it('defaults to the full benchmark and scales quick mode down', () => {
    expect(parseArgs([])).toMatchObject({ mode: 'full', runs: 1000, timeScale: 1 });
    expect(parseArgs(['--quick'])).toMatchObject({ mode: 'quick', timeScale: 0.1 });
    expect(parseArgs(['--quick']).runs).toBeLessThan(1000);
    expect(parseArgs(['--quick', '--runs=5'], { BENCH_SEED: '9' })).toMatchObject({ runs: 5, seed: 9 });
    expect(() => parseArgs(['--runs=0'])).toThrow(/positive/);
  });

  it('reads comma-separated flags such as --protocols= and --only=', () => {
    expect(listFlag(['--quick', '--protocols=responses'], 'protocols')).toEqual(['responses']);
    expect(listFlag(['--only=seed_5s,sdk'], 'only')).toEqual(['seed_5s', 'sdk']);
    expect(listFlag(['--quick'], 'protocols')).toBeUndefined();
  });
});

describe('evaluateTargets', () => {
  const byId = Object.fromEntries(evaluateTargets(results()).filter((t) => t.protocol !== 'responses').map((t) => [t.id, t]));

  it('judges ratios between followers of the same run', () => {
    expect(byId.calls_vs_poll_1s).toMatchObject({ status: 'met', actual: 0.25 });
    expect(byId.calls_vs_sdk).toMatchObject({ status: 'met', actual: 0.1 });
  });

  it('says by how much a target is missed', () => {
    expect(byId.detection_p99).toMatchObject({ status: 'missed', actual: 2000, by: '1.33× the limit (+500 ms)' });
    expect(byId.worker_rss).toMatchObject({ status: 'missed', actual: 300 });
    expect(byId.start_p50).toMatchObject({ status: 'met', actual: 11 });
    expect(byId.storage_one_tool).toMatchObject({ status: 'met', actual: 24 });
    expect(byId.bundle_size).toMatchObject({ status: 'met', actual: 1.5 });
  });

  it('reports what it could not measure as not measured, never met', () => {
    expect(judge('x', 'x', 1, 'ms', undefined).status).toBe('not measured');
    expect(judge('x', 'x', 1, 'ms', Number.NaN).status).toBe('not measured');
    const r = results();
    r.protocols.assistants = { measured: false, note: 'off' };
    expect(evaluateTargets(r).find((t) => t.id === 'detection_p50')!.status).toBe('not measured');
  });

  it('judges each protocol by its own followers, and the bundle once', () => {
    const r = results();
    r.protocols.responses = { measured: true, followers: { poll_1s: follower([10, 10], [300]), sdk: follower([4, 4], [20]), backend: follower([5, 5], [100, 120]) } };
    const targets = evaluateTargets(r);
    const of = (protocol: string | undefined, id: string) => targets.find((t) => t.protocol === protocol && t.id === id)!;
    expect(of('assistants', 'calls_vs_poll_1s')).toMatchObject({ status: 'met', actual: 0.25 });
    expect(of('responses', 'calls_vs_poll_1s')).toMatchObject({ status: 'missed', actual: 0.5 });
    expect(of('responses', 'calls_vs_sdk')).toMatchObject({ status: 'missed', actual: 1.25 });
    expect(of('responses', 'detection_p99')).toMatchObject({ status: 'met', actual: 120 });
    expect(of('responses', 'worker_rss').status).toBe('not measured');
    const bundle = targets.filter((t) => t.id === 'bundle_size');
    expect(bundle).toHaveLength(1);
    expect(bundle[0]).toMatchObject({ status: 'met' });
    expect(bundle[0]!.protocol).toBeUndefined();
  });
});

describe('report', () => {
  it('keys the BENCH json by protocol and follower, with calls and detection percentiles', () => {
    const r = results();
    const json = benchJson(r, evaluateTargets(r)) as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(json.assistants!)).toEqual(['seed_5s', 'poll_1s', 'sdk', 'backend']);
    expect(json.assistants!.poll_1s).toMatchObject({ calls_per_run: { mean: 8, p50: 8, p95: 8 }, detection_ms: { p50: 400, p95: 500, p99: 500 } });
    expect(json.assistants!.backend).toMatchObject({ rss_mb: 300, storage_per_one_tool_run: 24, delta_writes_per_one_tool_run: 2, start_ms: { p50: 11, p99: 13 }, burst_start_ms: { p50: 12, p99: 40 } });
    expect(json.responses).toEqual({ measured: false, note: 'not there yet' });
    expect(json.targets).toMatchObject({ assistants: { detection_p99: 'missed', calls_vs_poll_1s: 'met' }, responses: { detection_p99: 'not measured' }, bundle_size: 'met' });
    expect(benchLine(r, evaluateTargets(r))).toMatch(/^BENCH \{.*\}$/);
  });

  it('names a failed follower in the BENCH line and the doc, keeping the figures of the others', () => {
    const r = results();
    r.protocols.responses = { measured: true, followers: { seed_5s: follower([3, 4], [900]) }, failures: { backend: 'thread t has no conversationId' } };
    const targets = evaluateTargets(r);
    const json = benchJson(r, targets) as Record<string, Record<string, Record<string, unknown>>>;
    expect(json.responses).toEqual({ seed_5s: expect.objectContaining({ runs: 2 }), backend: { failed: 'thread t has no conversationId' } });
    const doc = renderMarkdown(r, targets, explainMisses(r, targets));
    expect(doc).toContain('## Responses protocol');
    expect(doc).toMatch(/\| `seed_5s` \| how \| 2 \| 3.50 \|/);
    expect(doc).toContain('- `backend`: thread t has no conversationId');
    expect(doc).toContain('**Responses: backend detection p50** (not measured): `backend` failed on this protocol (the error is in its section above).');
  });

  it('renders machine info, a table per protocol, targets with misses explained, and quotes the BENCH line', () => {
    const r = results();
    const targets = evaluateTargets(r);
    const doc = renderMarkdown(r, targets, { 'assistants.worker_rss': 'the host keeps every stream open.' });
    expect(doc).toContain('Test CPU, 2 cores');
    expect(doc).toContain('## Assistants protocol');
    expect(doc).toMatch(/\| `poll_1s` \| how \| 4 \| 8.00 \| 8 \| 8 \| 400 \| 500 \| 500 \|/);
    expect(doc).toContain('## Responses protocol\n\nNot measured: not there yet');
    expect(doc).toMatch(/\| Assistants \| backend detection p99 \| ≤ 1500 ms \| 2000 ms \| missed: 1.33× the limit/);
    expect(doc).toMatch(/\| Responses \| backend detection p99 \| ≤ 1500 ms \| – \| not measured \|/);
    expect(doc).toMatch(/\| both \| bundle size, minified \| ≤ 3 MB \| 1.50 MB \| met \|/);
    expect(doc).toContain('**Assistants: host process peak RSS, 4 runs in flight (target set for 1000)** (missed, 1.17× the limit (+44.0 MB)): the host keeps every stream open.');
    // A protocol that was not run explains nothing beyond its note.
    expect(doc).not.toContain('**Responses:');
    expect(doc).toContain(benchLine(r, targets));
  });
});

describe('explainMisses', () => {
  it('explains each missed target with its protocol\'s figures of this run, and nothing for met ones', () => {
    const r = results();
    const texts = explainMisses(r, evaluateTargets(r));
    expect(texts['assistants.worker_rss']).toContain('120 MB');
    expect(texts['assistants.detection_p99']).toContain('after it: p50 100 ms');
    expect(texts['assistants.calls_vs_poll_1s']).toBeUndefined();
  });

  it('explains a target by the figures of the protocol it belongs to', () => {
    const r = results();
    const assistants = r.protocols.assistants as MeasuredProtocol;
    r.protocols.responses = {
      measured: true,
      followers: { poll_1s: follower([20, 20], [300]), backend: follower([8, 8], [100]) },
      storage_cost: { ...assistants.storage_cost!, per_run: { table: 40, queue: 2, blob: 0, total: 42 }, by_operation: { 'table GET ledgerThreads': 9 } },
    };
    const texts = explainMisses(r, evaluateTargets(r));
    expect(texts['responses.storage_one_tool']).toContain('table GET ledgerThreads 9');
    expect(texts['responses.calls_vs_poll_1s']).toContain('one streaming create per response of the chain');
    expect(texts['responses.calls_vs_poll_1s']).toContain('averages 20.0 calls');
    expect(texts['assistants.storage_one_tool']).toBeUndefined();
  });
});

describe('small parsers', () => {
  it('reads utime + stime from /proc/<pid>/stat, even with spaces in the command name', () => {
    const stat = '1234 (node my app) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0';
    expect(cpuMsFromStat(stat, 100)).toBe(3000);
  });

  it('parses complete SSE frames and keeps the rest', () => {
    const { events, rest } = parseFrames('retry: 1000\n\n: keep-alive\n\nid: 1\nevent: run.status\ndata: {"status":"queued","at":5}\n\nid: 2\nevent: do');
    expect(events).toEqual([{ id: '1', event: 'run.status', data: { status: 'queued', at: 5 } }]);
    expect(rest).toBe('id: 2\nevent: do');
  });
});
