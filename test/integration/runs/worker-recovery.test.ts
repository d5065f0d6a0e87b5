// The worker's recovery logic (src/runs/worker.ts) over a real ledger and queue in Azurite, with the upstream
// port injected: each test makes the upstream fail the way a service does (5xx after the SDK's retries, a
// stream cut mid-way, a refused request) or lets a cancel land while the upstream run is being created.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging';
import { TRANSIENT_FAILURE_BUDGET } from '../../../src/runs/failures';
import type { UpstreamRunState, UpstreamRuns, UpstreamStream, UpstreamUpdate } from '../../../src/runs/upstream-runs';
import { processRunMessage, type WorkerDeps } from '../../../src/runs/worker';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { createRunQueue } from '../../../src/store/run-queue';
import { newId, useLedger } from '../store/use-ledger';

let tables = 0;

/** A stream over `updates`; abort() ends it, like the SDK's. */
function streamOf(updates: (aborted: AbortSignal) => AsyncGenerator<UpstreamUpdate>): UpstreamStream {
  const controller = new AbortController();
  const iterable = updates(controller.signal);
  return { [Symbol.asyncIterator]: () => iterable, abort: () => controller.abort(), get aborted() { return controller.signal.aborted; } };
}

const state = (status: UpstreamRunState['status']): UpstreamRunState => ({ id: 'run_up1', status, toolCalls: [], expiresAt: Date.now() + 600_000 });

function upstreamWith(overrides: Partial<UpstreamRuns>): UpstreamRuns & { cancels: string[] } {
  const cancels: string[] = [];
  return {
    cancels,
    start: async () => { throw new Error('start not scripted'); },
    retrieve: async () => ({ state: state('in_progress') }),
    submitToolOutputs: async () => null,
    cancel: async (_threadId, upstreamRunId) => void cancels.push(upstreamRunId),
    runMessages: async () => [],
    file: async () => ({ filename: 'f', bytes: 0 }),
    ...overrides,
  };
}

describe('worker recovery', () => {
  const fx = useLedger();

  function world(upstream: UpstreamRuns) {
    const name = `wrk${++tables}${Date.now() % 100_000}`;
    const ledger = createLedger({ LEDGER_TABLE_PREFIX: name }, fx.clients);
    const queue = createRunQueue({ RUN_QUEUE_NAME: name }, fx.clients);
    const deps: WorkerDeps = {
      upstream,
      ledger,
      tools: { has: () => false, isIdempotent: () => false, execute: async () => { throw new Error('no tools'); } },
      needsApproval: () => false,
      queue,
      logger: createLogger({ level: 'error', sink: () => undefined }),
      now: Date.now,
      followBudgetMs: 1_000,
      recheckIntervalMs: 1_000,
      staleClaimMs: 5_000,
      random: () => 0.5,
    };
    return { ledger, queue, deps };
  }

  async function queuedRun(ledger: Ledger, extra: { transientFailures?: number } = {}) {
    const threadId = newId('thread');
    const runId = newId('run');
    await ledger.createThread({ threadId, ownerId: 'alice', createdAt: Date.now() });
    await ledger.setActiveRun(threadId, runId);
    await ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'default', assistantId: 'asst_1', status: 'queued', createdAt: Date.now() });
    if (extra.transientFailures) await ledger.updateRun(threadId, runId, { transientFailures: extra.transientFailures });
    return { threadId, runId, generation: 0 };
  }

  const serverError = () => new OpenAI.InternalServerError(500, { message: 'The server had an error' }, 'The server had an error', new Headers());

  it('re-queues a run after an upstream 5xx with backoff, counting the failure in the ledger', async () => {
    const { ledger, deps } = world(upstreamWith({ start: async () => { throw serverError(); } }));
    const message = await queuedRun(ledger);
    const result = await processRunMessage(deps, message);
    expect(result).toMatchObject({ action: 'requeued' });
    // First failure: 2 s at most, jittered (random 0.5 → 75 %).
    expect(result.action === 'requeued' && result.delaySeconds).toBeLessThanOrEqual(2);
    const run = await ledger.getRun(message.threadId, message.runId);
    expect(run).toMatchObject({ status: 'queued', transientFailures: 1, followGeneration: 1 });
  });

  it('re-queues a run whose stream was cut mid-way', async () => {
    const upstream = upstreamWith({
      start: async () => ({
        stream: streamOf(async function* () {
          yield { type: 'state', state: state('in_progress') };
          throw new TypeError('terminated');
        }),
      }),
    });
    const { ledger, deps } = world(upstream);
    const message = await queuedRun(ledger);
    expect(await processRunMessage(deps, message)).toMatchObject({ action: 'requeued' });
    expect(await ledger.getRun(message.threadId, message.runId)).toMatchObject({ status: 'in_progress', upstreamRunId: 'run_up1', transientFailures: 1 });
  });

  it('fails the run once transient failures pass the budget, cancelling it upstream', async () => {
    const { ledger, deps } = world(upstreamWith({ retrieve: async () => { throw serverError(); } }));
    const message = await queuedRun(ledger, { transientFailures: TRANSIENT_FAILURE_BUDGET });
    await ledger.updateRun(message.threadId, message.runId, { upstreamRunId: 'run_up1', status: 'in_progress' });
    expect(await processRunMessage(deps, message)).toMatchObject({ action: 'done', reason: 'transient failures exhausted' });
    const run = await ledger.getRun(message.threadId, message.runId);
    expect(run).toMatchObject({ status: 'failed', lastError: { code: 'upstream_error' } });
    expect(run?.lastError?.message).toMatch(/after 8 retries/);
    expect((deps.upstream as ReturnType<typeof upstreamWith>).cancels).toEqual(['run_up1']);
    expect((await ledger.getThread(message.threadId))?.activeRunId).toBeUndefined();
  });

  it('fails the run at once when the upstream refuses the request (4xx)', async () => {
    const refused = new OpenAI.BadRequestError(400, { message: "No assistant found with id 'asst_1'." }, "No assistant found with id 'asst_1'.", new Headers());
    const { ledger, deps } = world(upstreamWith({ start: async () => { throw refused; } }));
    const message = await queuedRun(ledger);
    expect(await processRunMessage(deps, message)).toMatchObject({ action: 'done', reason: 'permanent failure' });
    const run = await ledger.getRun(message.threadId, message.runId);
    expect(run).toMatchObject({ status: 'failed', lastError: { code: 'upstream_error' } });
    expect(run?.lastError?.message).toContain("No assistant found with id 'asst_1'.");
    expect(run?.transientFailures).toBeUndefined();
  });

  it('cancels upstream when the cancel landed while the worker was creating the run', async () => {
    let cancelled!: () => void;
    const cancelSeen = new Promise<void>((resolve) => (cancelled = resolve));
    // Filled in once the world exists (the upstream is built first).
    const late = {} as { ledger: Ledger; ids: { threadId: string; runId: string } };
    const upstream = upstreamWith({
      start: async () => {
        // The frontend's cancel is recorded now: the API saw no upstream run yet, so it could not cancel it itself.
        await late.ledger.updateRun(late.ids.threadId, late.ids.runId, { cancelRequested: true });
        return {
          stream: streamOf(async function* (signal) {
            yield { type: 'state', state: state('queued') };
            await Promise.race([cancelSeen, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
            if (signal.aborted) return;
            yield { type: 'state', state: state('cancelling') };
            yield { type: 'state', state: state('cancelled') };
          }),
        };
      },
      cancel: async (_threadId, upstreamRunId) => {
        upstream.cancels.push(upstreamRunId);
        cancelled();
      },
    });
    const built = world(upstream);
    const ledger = (late.ledger = built.ledger);
    const message = await queuedRun(ledger);
    late.ids = message;
    expect(await processRunMessage(built.deps, message)).toMatchObject({ action: 'done', reason: 'cancelled' });
    expect(upstream.cancels).toEqual(['run_up1']);
    expect((await ledger.getRun(message.threadId, message.runId))?.status).toBe('cancelled');
  });

  it('lets one of two deliveries of the same generation go on', async () => {
    const { ledger, deps } = world(upstreamWith({}));
    const message = await queuedRun(ledger);
    await ledger.updateRun(message.threadId, message.runId, { upstreamRunId: 'run_up1', status: 'in_progress' });
    const results = await Promise.all([processRunMessage(deps, message), processRunMessage(deps, message)]);
    expect(results.map((r) => r.action).sort()).toEqual(['done', 'requeued']);
    expect((await ledger.getRun(message.threadId, message.runId))?.followGeneration).toBe(1);
  });

  it('closes a tool call its dead worker left running when the run is found expired', async () => {
    const { ledger, deps } = world(upstreamWith({ retrieve: async () => ({ state: { ...state('expired'), expiresAt: Date.now() - 1_000 } }) }));
    const message = await queuedRun(ledger);
    await ledger.updateRun(message.threadId, message.runId, { upstreamRunId: 'run_up1', status: 'requires_action' });
    // The email went out; the worker died before recording it (the 604 s case of issue #15).
    await ledger.claimToolCall({ runId: message.runId, threadId: message.threadId, toolCallId: 'call_1', name: 'send_email', arguments: '{}', claimedAt: Date.now() - 600_000 });
    expect(await processRunMessage(deps, message)).toMatchObject({ action: 'done', reason: 'expired' });
    expect((await ledger.getToolCall(message.runId, 'call_1'))?.status).toBe('unknown_outcome');
    const events = await ledger.listRunEvents(message.runId);
    expect(events.some((e) => e.type === 'run.tool_output' && e.data.id === 'call_1' && e.data.status === 'unknown_outcome')).toBe(true);
  });

  it('clears the count of transient failures after a pass that worked, so the budget counts failures in a row', async () => {
    const { ledger, deps } = world(upstreamWith({}));
    const message = await queuedRun(ledger, { transientFailures: 3 });
    await ledger.updateRun(message.threadId, message.runId, { upstreamRunId: 'run_up1', status: 'in_progress' });
    expect(await processRunMessage(deps, message)).toMatchObject({ action: 'requeued' });
    expect(await ledger.getRun(message.threadId, message.runId)).toMatchObject({ transientFailures: 0, followGeneration: 1 });
  });
});
