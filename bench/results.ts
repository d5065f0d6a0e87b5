// The shape of one benchmark's results, shared by run.ts, targets.ts and report.ts.
import type { BenchConfig } from './config';
import type { FollowerKey, Protocol } from './followers/types';
import type { BundleFigures } from './measure/bundle';
import type { FollowMetrics } from './measure/follow-metrics';
import type { StorageCost } from './measure/storage-cost';
import type { Summary } from './stats';
import type { RunKind } from './workload';

export interface FollowerResult extends FollowMetrics {
  description: string;
  wall_s: number;
}

export interface BackendFigures {
  runs: number;
  start_ms: Summary;
  /** Starts answered 429/503 and retried after Retry-After. */
  start_retries: number;
  /** Storage requests the counting proxy could not forward, by error code (should be empty). */
  storage_proxy_errors: Record<string, number>;
  starts_per_s: number;
  /** Runs over the time from the first start to the last run's end in the ledger. */
  completed_per_s: number;
  peak_in_flight: number;
  rss_mb: { at_start: number; peak: number; lifetime_peak: number };
  cpu_ms_per_run: number;
  storage_per_run: { table: number; queue: number; blob: number; total: number };
  /** Backend detection delays of moments during the start burst, and after it. */
  detection_during_burst_ms: Summary;
  detection_after_burst_ms: Summary;
  sse: { followed_runs: number; delivery_ms: Summary };
}

export interface MeasuredProtocol {
  measured: true;
  followers: Partial<Record<FollowerKey, FollowerResult>>;
  /** Followers that threw instead of finishing, with the error's message (they have no figures). */
  failures?: Partial<Record<FollowerKey, string>>;
  backend?: BackendFigures;
  storage_cost?: StorageCost;
}

export type ProtocolResult = MeasuredProtocol | { measured: false; note: string };

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gb: number;
  node: string;
  os: string;
  load_avg: number[];
}

export interface BenchResults {
  config: BenchConfig;
  machine: MachineInfo;
  started_at: string;
  duration_s: number;
  workload: { runs: number; kinds: Record<RunKind, number>; duration_ms: Summary };
  protocols: Record<Protocol, ProtocolResult>;
  bundle?: BundleFigures;
}
