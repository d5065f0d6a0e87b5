import { describe, expect, it } from 'vitest';
import type { FollowedRun } from '../../../bench/followers/types';
import { detectionDelays, followMetrics } from '../../../bench/measure/follow-metrics';
import type { ServerStats } from '../../../bench/server-admin';

function stats(partial: Partial<ServerStats>): ServerStats {
  return { requests_total: 0, by_route: {}, by_run: {}, by_response: {}, ...partial };
}

describe('followMetrics on the Assistants protocol (one upstream run per run)', () => {
  const server = stats({
    by_run: {
      run_a: { calls: 4, status: 'completed', requires_action_at_ms: 1000, terminal_at_ms: 2000 },
      run_b: { calls: 2, status: 'completed', requires_action_at_ms: null, terminal_at_ms: 1500 },
    },
  });

  it('counts the run\'s calls and times its last requires_action and terminal moments', () => {
    const runs: FollowedRun[] = [
      { index: 0, upstreamRunId: 'run_a', status: 'completed', requiresActionSeenMs: 1100, terminalSeenMs: 2050 },
      { index: 1, upstreamRunId: 'run_b', status: 'completed', terminalSeenMs: 1510 },
    ];
    const metrics = followMetrics(runs, server, 0);
    expect(metrics.calls_per_run).toMatchObject({ n: 2, mean: 3 });
    expect(metrics.detection_ms).toMatchObject({ n: 3, p50: 50, max: 100 });
    expect(metrics.problems).toEqual([]);
  });

  it('aligns the server clock and reports what it cannot measure', () => {
    const runs: FollowedRun[] = [
      { index: 0, upstreamRunId: 'run_a', status: 'completed', terminalSeenMs: 1020 },
      { index: 1, upstreamRunId: 'run_x', status: 'failed' },
    ];
    const metrics = followMetrics(runs, server, 1000);
    expect(metrics.detection_ms).toMatchObject({ n: 1, p50: 20 });
    expect(metrics.problems).toEqual(['run #0: requires_action not recorded by the follower', 'run #1: upstream run_x unknown to the server']);
  });
});

describe('followMetrics on the Responses protocol (a chain of responses per run)', () => {
  const server = stats({
    by_response: {
      resp_1: { calls: 3, status: 'completed', terminal_at_ms: 1000 },
      resp_2: { calls: 2, status: 'completed', terminal_at_ms: 1800 },
      resp_3: { calls: 4, status: 'completed', terminal_at_ms: 3000 },
      resp_solo: { calls: 5, status: 'completed', terminal_at_ms: 700 },
    },
  });
  const chain: FollowedRun = { index: 0, upstreamRunId: 'resp_3', upstreamRunIds: ['resp_1', 'resp_2', 'resp_3'], status: 'completed', requiresActionSeenMs: 1830, terminalSeenMs: 3010 };
  const solo: FollowedRun = { index: 1, upstreamRunId: 'resp_solo', upstreamRunIds: ['resp_solo'], status: 'completed', terminalSeenMs: 760 };

  it('sums the calls of the chain and takes the last requires_action from the second-to-last response', () => {
    const metrics = followMetrics([chain, solo], server, 0);
    expect(metrics.calls_per_run).toMatchObject({ n: 2, mean: 7, max: 9 });
    // requires_action 1830 − 1800, terminal 3010 − 3000, solo 760 − 700.
    expect(metrics.detection_ms).toMatchObject({ n: 3, p50: 30, max: 60 });
    expect(metrics.problems).toEqual([]);
  });

  it('needs every response of the chain to be known, and the follower to have seen the requires_action', () => {
    const broken: FollowedRun = { ...chain, index: 2, upstreamRunIds: ['resp_1', 'resp_gone', 'resp_3'] };
    const unseen: FollowedRun = { ...chain, index: 3, requiresActionSeenMs: undefined };
    expect(followMetrics([broken, unseen], server, 0).problems).toEqual(['run #2: upstream resp_gone unknown to the server', 'run #3: requires_action not recorded by the follower']);
  });

  it('splits detection delays by when the server set the moment', () => {
    expect(detectionDelays([chain, solo], server, 0, (moment) => moment >= 1800)).toEqual([30, 10]);
  });
});
