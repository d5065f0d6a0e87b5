// The benchmark's workload: N runs with log-normal durations (median 4 s, p99 60 s at time scale 1),
// 30 % needing one or two server tool calls and 5 % a client tool. Deterministic for a seed, so every
// follower gets the same runs. Durations are capped at twice the p99 (about 0.2 % of draws): one 1-in-10,000
// draw of 7 minutes would otherwise set the length of every follower's phase.
import { seededRandom } from '../local/shared/seeded-random';

export type RunKind = 'plain' | 'server_tool_1' | 'server_tool_2' | 'client_tool';

export interface ScriptTurn {
  delay_ms: number;
  message?: string;
  tool_calls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface WorkloadRun {
  index: number;
  kind: RunKind;
  /** Total time the server spends in_progress on this run (sum of the turns' delays). */
  durationMs: number;
  /** Turns for POST /_admin/script on the run's thread. */
  turns: ScriptTurn[];
}

export interface WorkloadOptions {
  runs: number;
  seed: number;
  /** Multiplies every duration (quick mode < 1). */
  timeScale: number;
  medianMs?: number;
  p99Ms?: number;
  serverToolShare?: number;
  clientToolShare?: number;
  /** Longest duration before scaling; default 2 × p99. */
  capMs?: number;
}

export const SERVER_TOOL = 'get_stock_price';
export const CLIENT_TOOL = 'get_user_location';
/** What the hand-written followers answer for any tool call (the tool's work is not measured). */
export const FIXED_TOOL_OUTPUT = '{"ok":true}';
/** The first user message of every run. */
export const QUESTION = 'Benchmark question';

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.326347874;


/** Log-normal sampler with the given median and 99th percentile. */
export function logNormal(random: () => number, medianMs: number, p99Ms: number): () => number {
  const mu = Math.log(medianMs);
  const sigma = (Math.log(p99Ms) - mu) / Z99;
  return () => {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(mu + sigma * z);
  };
}

export function generateWorkload(options: WorkloadOptions): WorkloadRun[] {
  const random = seededRandom(options.seed);
  const p99Ms = options.p99Ms ?? 60_000;
  const duration = logNormal(random, options.medianMs ?? 4000, p99Ms);
  const capMs = options.capMs ?? 2 * p99Ms;
  const serverShare = options.serverToolShare ?? 0.3;
  const clientShare = options.clientToolShare ?? 0.05;
  const runs: WorkloadRun[] = [];
  for (let index = 0; index < options.runs; index++) {
    const roll = random();
    const kind: RunKind =
      roll < clientShare ? 'client_tool' : roll < clientShare + serverShare / 2 ? 'server_tool_1' : roll < clientShare + serverShare ? 'server_tool_2' : 'plain';
    const durationMs = Math.max(1, Math.round(Math.min(duration(), capMs) * options.timeScale));
    runs.push({ index, kind, durationMs, turns: turnsFor(kind, durationMs) });
  }
  return runs;
}

/** The run's time split evenly over its turns: tool-call rounds, then the reply. */
export function turnsFor(kind: RunKind, durationMs: number): ScriptTurn[] {
  const rounds = kind === 'plain' ? 0 : kind === 'server_tool_2' ? 2 : 1;
  const slice = Math.max(1, Math.floor(durationMs / (rounds + 1)));
  const turns: ScriptTurn[] = [];
  for (let round = 0; round < rounds; round++) {
    const call = kind === 'client_tool' ? { name: CLIENT_TOOL, arguments: {} } : { name: SERVER_TOOL, arguments: { symbol: round === 0 ? 'MSFT' : 'AAPL' } };
    turns.push({ tool_calls: [call], delay_ms: slice });
  }
  turns.push({ message: 'Done.', delay_ms: Math.max(1, durationMs - slice * rounds) });
  return turns;
}

/** How many runs of each kind, for reports. */
export function kindCounts(runs: readonly WorkloadRun[]): Record<RunKind, number> {
  const counts: Record<RunKind, number> = { plain: 0, server_tool_1: 0, server_tool_2: 0, client_tool: 0 };
  for (const run of runs) counts[run.kind]++;
  return counts;
}
