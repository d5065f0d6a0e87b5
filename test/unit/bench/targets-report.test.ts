import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../bench/config';
import { explainMisses } from '../../../bench/explanations';
import { cpuMsFromStat } from '../../../bench/measure/process';
import { benchJson, benchLine, renderMarkdown } from '../../../bench/report';
import type { BenchResults, FollowerResult } from '../../../bench/results';
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
});

describe('evaluateTargets', () => {
  const byId = Object.fromEntries(evaluateTargets(results()).map((t) => [t.id, t]));

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
});

describe('report', () => {
  it('keys the BENCH json by protocol and follower, with calls and detection percentiles', () => {
    const r = results();
    const json = benchJson(r, evaluateTargets(r)) as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(json.assistants!)).toEqual(['seed_5s', 'poll_1s', 'sdk', 'backend']);
    expect(json.assistants!.poll_1s).toMatchObject({ calls_per_run: { mean: 8, p50: 8, p95: 8 }, detection_ms: { p50: 400, p95: 500, p99: 500 } });
    expect(json.assistants!.backend).toMatchObject({ rss_mb: 300, storage_per_one_tool_run: 24, delta_writes_per_one_tool_run: 2, start_ms: { p50: 11, p99: 13 }, burst_start_ms: { p50: 12, p99: 40 } });
    expect(json.responses).toEqual({ measured: false, note: 'not there yet' });
    expect(json.targets).toMatchObject({ detection_p99: 'missed', calls_vs_poll_1s: 'met' });
    expect(benchLine(r, evaluateTargets(r))).toMatch(/^BENCH \{.*\}$/);
  });

  it('renders machine info, a table per protocol, targets with misses explained, and quotes the BENCH line', () => {
    const r = results();
    const targets = evaluateTargets(r);
    const doc = renderMarkdown(r, targets, { worker_rss: 'the host keeps every stream open.' });
    expect(doc).toContain('Test CPU, 2 cores');
    expect(doc).toContain('## Assistants protocol');
    expect(doc).toMatch(/\| `poll_1s` \| how \| 4 \| 8.00 \| 8 \| 8 \| 400 \| 500 \| 500 \|/);
    expect(doc).toContain('## Responses protocol\n\nNot measured yet: not there yet');
    expect(doc).toMatch(/\| backend detection p99 \| ≤ 1500 ms \| 2000 ms \| missed: 1.33× the limit/);
    expect(doc).toContain('**host process peak RSS, 4 runs in flight (target set for 1000)** (missed, 1.17× the limit (+44.0 MB)): the host keeps every stream open.');
    expect(doc).toContain(benchLine(r, targets));
  });
});

describe('explainMisses', () => {
  it('explains each target with this run\'s figures', () => {
    const texts = explainMisses(results());
    expect(texts.storage_one_tool).toContain('table GET ledgerRuns 6');
    expect(texts.worker_rss).toContain('120 MB');
    expect(texts.calls_vs_poll_1s).toContain('averages 8.00 calls');
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
