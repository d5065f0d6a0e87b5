// Calls per run and detection delays of one follower, from the server's own stats.
// Assistants: a followed run is one upstream run; calls = requests that named it (plus the one creating it);
// its moments are the server's requires_action_at_ms (the last one; the server keeps only the last) and terminal_at_ms.
// Responses: a followed run is a chain of responses on its conversation (each response that completes with function
// calls is answered by the next); calls = the sum over the chain (each counts its creating request); the last
// requires_action is the moment the second-to-last response ended, the terminal moment the last response's end.
// Detection = when the follower recorded a moment minus when the server set it (server clock, aligned).
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

/** What the server knows of one followed run, whichever protocol made it. */
export interface UpstreamFacts {
  calls: number;
  requiresActionAtMs: number | null;
  terminalAtMs: number | null;
}

/** The run's upstream ids: the Responses chain, or the one Assistants run. */
export function upstreamIdsOf(run: FollowedRun): string[] {
  return run.upstreamRunIds?.length ? run.upstreamRunIds : run.upstreamRunId ? [run.upstreamRunId] : [];
}

/** The server's facts of a run, or the ids it does not know (then nothing can be measured). */
export function upstreamFacts(run: FollowedRun, stats: ServerStats): UpstreamFacts | { unknown: string[] } {
  const ids = upstreamIdsOf(run);
  if (ids.length === 0) return { unknown: ['(none)'] };
  // A Responses response has no requires_action moment of its own (null): the next response answers its calls.
  const facts = ids.map((id) => {
    const run = stats.by_run[id];
    const response = stats.by_response[id];
    return run ?? (response ? { ...response, requires_action_at_ms: null } : undefined);
  });
  const unknown = ids.filter((_, i) => !facts[i]);
  if (unknown.length) return { unknown };
  const known = facts as Array<NonNullable<(typeof facts)[number]>>;
  const last = known[known.length - 1]!;
  return {
    calls: known.reduce((sum, fact) => sum + fact.calls, 0),
    requiresActionAtMs: last.requires_action_at_ms ?? (known.length > 1 ? known[known.length - 2]!.terminal_at_ms : null),
    terminalAtMs: last.terminal_at_ms,
  };
}

/** A run's decisive moments: when the follower saw each (this process's clock) and when the server set it. */
function moments(run: FollowedRun, facts: UpstreamFacts) {
  return [
    { what: 'requires_action', seenMs: run.requiresActionSeenMs, serverMs: facts.requiresActionAtMs },
    { what: 'terminal status', seenMs: run.terminalSeenMs, serverMs: facts.terminalAtMs },
  ] as const;
}

/**
 * Detection delays of the runs whose decisive moment (on this process's clock) passes `include`
 * (e.g. only moments after the start burst); unmeasurable runs are left out.
 */
export function detectionDelays(runs: readonly FollowedRun[], stats: ServerStats, serverClockOffsetMs: number, include: (momentMs: number) => boolean): number[] {
  const delays: number[] = [];
  for (const run of runs) {
    const facts = upstreamFacts(run, stats);
    if ('unknown' in facts) continue;
    for (const { seenMs, serverMs } of moments(run, facts)) {
      if (seenMs === undefined || serverMs === null) continue;
      const moment = serverMs - serverClockOffsetMs;
      if (include(moment)) delays.push(seenMs - moment);
    }
  }
  return delays;
}

export function followMetrics(runs: readonly FollowedRun[], stats: ServerStats, serverClockOffsetMs: number): FollowMetrics {
  const calls: number[] = [];
  const delays: number[] = [];
  const problems: string[] = [];
  for (const run of runs) {
    const facts = upstreamFacts(run, stats);
    if ('unknown' in facts) {
      problems.push(`run #${run.index}: upstream ${facts.unknown.join(', ')} unknown to the server`);
      continue;
    }
    if (run.status !== 'completed') problems.push(`run #${run.index}: ended ${run.status}`);
    calls.push(facts.calls);
    for (const { what, seenMs, serverMs } of moments(run, facts)) {
      if (serverMs === null) continue;
      if (seenMs === undefined) problems.push(`run #${run.index}: ${what} not recorded by the follower`);
      else delays.push(seenMs - (serverMs - serverClockOffsetMs));
    }
  }
  return { runs: runs.length, calls_per_run: summarize(calls), detection_ms: summarize(delays), problems };
}
