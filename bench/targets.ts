// The issue's targets, judged from one benchmark's results (ratios and figures from the same run; never a
// timing assertion in a test). A target with nothing to judge it by is "not measured", not met.
// The backend's targets are judged per protocol (the backend on each protocol against that protocol's loops and
// SDK); the bundle's are the same for both.
import { PROTOCOL_ORDER, type Protocol } from './followers/types';
import type { BenchResults } from './results';

export interface TargetResult {
  id: string;
  /** The protocol whose figures judge it; absent for the bundle's targets. */
  protocol?: Protocol;
  label: string;
  limit: number;
  unit: string;
  actual: number | null;
  status: 'met' | 'missed' | 'not measured';
  /** For a missed target: how far off, e.g. "1.8× the limit (+12 ms)". */
  by?: string;
}

const MB = 1024 * 1024;

/** Unique name of a target: `<protocol>.<id>`, or the id of a protocol-free one. */
export const targetKey = (t: Pick<TargetResult, 'id' | 'protocol'>) => (t.protocol ? `${t.protocol}.${t.id}` : t.id);

export function evaluateTargets(results: BenchResults): TargetResult[] {
  const rows = PROTOCOL_ORDER.flatMap((protocol) => protocolTargets(results, protocol));
  rows.push(
    judge('bundle_size', 'bundle size, minified', 3, 'MB', results.bundle ? results.bundle.minified_bytes / MB : undefined),
    judge('entry_load', 'entry cold load p50', 200, 'ms', results.bundle?.load_ms.p50),
  );
  return rows;
}

function protocolTargets(results: BenchResults, protocol: Protocol): TargetResult[] {
  const result = results.protocols[protocol];
  const f = result.measured ? result.followers : {};
  const backend = result.measured ? result.backend : undefined;
  const cost = result.measured ? result.storage_cost : undefined;
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
  const rows: Array<[string, string, number, string, number | undefined]> = [
    ['calls_vs_poll_1s', 'backend calls per run ÷ 1 s loop', 0.25, '×', ratio(f.backend?.calls_per_run.mean, f.poll_1s?.calls_per_run.mean)],
    ['calls_vs_sdk', 'backend calls per run ÷ SDK helper', 1, '×', ratio(f.backend?.calls_per_run.mean, f.sdk?.calls_per_run.mean)],
    ['detection_p50', 'backend detection p50', 250, 'ms', f.backend?.detection_ms.p50],
    ['detection_p99', 'backend detection p99', 1500, 'ms', f.backend?.detection_ms.p99],
    ['worker_rss', `host process peak RSS, ${backend?.peak_in_flight ?? '?'} runs in flight (target set for 1000)`, 256, 'MB', backend?.rss_mb.peak],
    ['worker_cpu', 'host CPU per run', 5, 'ms', backend?.cpu_ms_per_run],
    ['start_p50', 'HTTP start latency p50 (one request at a time)', 15, 'ms', cost?.start_ms.p50],
    ['storage_one_tool', 'storage transactions per one-tool run', 30, '', cost?.per_run.total],
  ];
  return rows.map(([id, label, limit, unit, actual]) => ({ ...judge(id, label, limit, unit, actual), protocol }));
}

export function judge(id: string, label: string, limit: number, unit: string, actual: number | undefined): TargetResult {
  if (actual === undefined || !Number.isFinite(actual)) return { id, label, limit, unit, actual: null, status: 'not measured' };
  if (actual <= limit) return { id, label, limit, unit, actual, status: 'met' };
  return { id, label, limit, unit, actual, status: 'missed', by: `${(actual / limit).toFixed(2)}× the limit (+${round(actual - limit)}${unit === '×' ? '' : unit ? ` ${unit}` : ''})` };
}

export function round(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}
