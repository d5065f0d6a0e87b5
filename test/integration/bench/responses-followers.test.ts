// The benchmark's Responses followers against the real local server (no app needed): each run is a chain of
// background responses on its own conversation, tool rounds answered in the next response, and the metrics
// read the chain from the server's by_response stats.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { parseArgs } from '../../../bench/config';
import { followConversations } from '../../../bench/followers/responses/direct';
import { pollResponse } from '../../../bench/followers/responses/poll-loop';
import { streamResponse } from '../../../bench/followers/responses/sdk';
import type { DirectContext } from '../../../bench/followers/types';
import { followMetrics } from '../../../bench/measure/follow-metrics';
import { serverAdmin } from '../../../bench/server-admin';
import { turnsFor, type RunKind, type WorkloadRun } from '../../../bench/workload';

let server: RunningAssistantsServer;
let ctx: DirectContext;

const kinds: RunKind[] = ['plain', 'server_tool_2', 'client_tool'];
const workload: WorkloadRun[] = kinds.map((kind, index) => ({ index, kind, durationMs: 150, turns: turnsFor(kind, 150) }));
/** Responses per run: one per tool round, plus the one that answers. */
const chainLengths = [1, 3, 2];

beforeAll(async () => {
  server = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
  ctx = {
    protocol: 'responses',
    openai: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'bench' }),
    admin: serverAdmin(server.url),
    config: parseArgs(['--quick']),
  };
});

afterAll(async () => {
  await server?.close();
});

describe('Responses followers of the benchmark', () => {
  it('the SDK follower streams each response of the chain: two calls per response, every moment recorded', async () => {
    const runs = await followConversations(ctx, workload, streamResponse);
    expect(runs.map((run) => run.status)).toEqual(['completed', 'completed', 'completed']);
    expect(runs.map((run) => run.upstreamRunIds?.length)).toEqual(chainLengths);
    expect(runs.map((run) => run.upstreamRunId)).toEqual(runs.map((run) => run.upstreamRunIds!.at(-1)));
    expect(runs.map((run) => run.requiresActionSeenMs === undefined)).toEqual([true, false, false]);

    const metrics = followMetrics(runs, await ctx.admin.stats(), await ctx.admin.clockOffsetMs());
    expect(metrics.problems).toEqual([]);
    // create + GET ?stream=true per response, summed over the chain.
    expect(metrics.calls_per_run).toMatchObject({ n: 3, mean: 4, max: 6 });
    // plain: its end; tool runs: their last requires_action and their end.
    expect(metrics.detection_ms.n).toBe(5);
  });

  it('the polling follower retrieves until each response ends and answers its function calls in the next one', async () => {
    const runs = await followConversations(ctx, workload, pollResponse(1000));
    expect(runs.map((run) => run.upstreamRunIds?.length)).toEqual(chainLengths);
    const stats = await ctx.admin.stats();
    for (const run of runs) {
      for (const id of run.upstreamRunIds!) expect(stats.by_response[id]).toMatchObject({ status: 'completed' });
    }
    const metrics = followMetrics(runs, stats, await ctx.admin.clockOffsetMs());
    expect(metrics.problems).toEqual([]);
    // A background response answers queued, so each costs its create and at least one retrieve.
    expect(metrics.calls_per_run.n).toBe(3);
    runs.forEach((run, i) => expect(stats.by_response[run.upstreamRunId]!.calls, `run ${i}`).toBeGreaterThanOrEqual(2));
    expect(metrics.detection_ms.n).toBe(5);
  });
});
