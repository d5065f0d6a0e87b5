// Calls per run and detection delays of one follower, from the server's own stats:
// calls = requests that named the run (plus the one creating it); detection = when the follower recorded
// the run's last requires_action / terminal status, minus when the server set it (server clock, aligned).
import { summarize, type Summary } from '../stats';
import type { ServerStats } from '../server-admin';
import type { FollowedRun } from '../followers/types';

export interface FollowMetrics {
  runs: number;
  calls_per_run: Summary;
  detection_ms: Summary;
  /** Runs that could not be measured (missing upstream run, missing moments, not completed). */
  problems: string[];
}

/**
 * Detection delays of the runs whose decisive moment (on this process's clock) passes `include`
 * (e.g. only moments after the start burst); unmeasurable runs are left out.
 */
export function detectionDelays(runs: readonly FollowedRun[], stats: ServerStats, serverClockOffsetMs: number, include: (momentMs: number) => boolean): number[] {
  const delays: number[] = [];
  for (const run of runs) {
    const upstream = stats.by_run[run.upstreamRunId];
    if (!upstream) continue;
    for (const [seen, server] of [[run.requiresActionSeenMs, upstream.requires_action_at_ms], [run.terminalSeenMs, upstream.terminal_at_ms]] as const) {
      if (seen === undefined || server === null) continue;
      const moment = server - serverClockOffsetMs;
      if (include(moment)) delays.push(seen - moment);
    }
  }
  return delays;
}

export function followMetrics(runs: readonly FollowedRun[], stats: ServerStats, serverClockOffsetMs: number): FollowMetrics {
  const calls: number[] = [];
  const delays: number[] = [];
  const problems: string[] = [];
  for (const run of runs) {
    const upstream = stats.by_run[run.upstreamRunId];
    if (!upstream) {
      problems.push(`run #${run.index}: upstream run ${run.upstreamRunId || '(none)'} unknown to the server`);
      continue;
    }
    if (run.status !== 'completed') problems.push(`run #${run.index}: ended ${run.status}`);
    calls.push(upstream.calls);
    const delay = (seenMs: number | undefined, serverMs: number | null, what: string) => {
      if (serverMs === null) return;
      if (seenMs === undefined) problems.push(`run #${run.index}: ${what} not recorded by the follower`);
      else delays.push(seenMs - (serverMs - serverClockOffsetMs));
    };
    delay(run.requiresActionSeenMs, upstream.requires_action_at_ms, 'requires_action');
    delay(run.terminalSeenMs, upstream.terminal_at_ms, 'terminal status');
  }
  return { runs: runs.length, calls_per_run: summarize(calls), detection_ms: summarize(delays), problems };
}
