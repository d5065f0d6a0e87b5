// The run worker's logic (the queue-triggered function is a thin adapter over this).
// One delivery of a run message moves the run as far as it can within a time budget:
// it creates the upstream run or picks it up, follows its updates, executes the backend's
// tools and submits outputs, and finally hands the run back to the queue with a visibility
// delay when there is nothing to do but wait. It never sleeps.
import type { Logger } from '../logging';
import type { Ledger, RunPatch, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import { backoffSeconds, classifyRunFailure, TRANSIENT_FAILURE_BUDGET } from './failures';
import { holdFollowLease, leaseAfter } from './follow-lease';
import { finalizeRun, RunFollower } from './run-follower';
import { isDecisive, isTerminal, type RunError, type RunQueueMessage } from './run-facts';
import { resolveToolCalls, type ToolRunner } from './resolve-tool-calls';
import type { UpstreamRunState, UpstreamRuns } from './upstream-runs';

export interface WorkerDeps {
  upstream: UpstreamRuns;
  ledger: Ledger;
  tools: ToolRunner;
  queue: Pick<RunQueue, 'send'>;
  logger: Logger;
  now: () => number;
  /** How long one invocation may follow a run's updates before handing it back to the queue. */
  followBudgetMs: number;
  /** How often a run waiting on the frontend (client tools) is re-checked, e.g. for expiry. */
  recheckIntervalMs: number;
  /** A claim older than this is presumed to belong to a dead worker. */
  staleClaimMs: number;
  /** Which server tool calls wait for a person's approval (src/runs/tool-approvals.ts). */
  needsApproval(assistantKey: string, tool: string): boolean;
  /** [0, 1) for backoff jitter (tests fix it); default Math.random. */
  random?: () => number;
  /** RUN_FOLLOW_LEASE: the follow lease this worker holds and renews (runs/follow-lease.ts); without it, none. */
  followLeaseMs?: number;
}

export type WorkerResult = { action: 'done'; reason: string } | { action: 'requeued'; delaySeconds: number; reason: string };

/** Where one step leaves the run: decisive (act on it), waiting (re-queue), or done. */
type Step = { kind: 'decisive'; state: UpstreamRunState } | { kind: 'wait'; delaySeconds: number; reason: string } | { kind: 'done'; reason: string };

const MIN_DELAY_S = 1;
const MAX_DELAY_S = 60;
/** A run without an expiry gets this long for its tools. */
const DEFAULT_TOOL_DEADLINE_MS = 600_000;
/** Retry-After when a rate-limited upstream names none. */
const RATE_LIMIT_DELAY_S = 5;

export async function processRunMessage(deps: WorkerDeps, message: RunQueueMessage): Promise<WorkerResult> {
  const run = await deps.ledger.getRun(message.threadId, message.runId);
  const skipped = whyNotFollow(run, message);
  if (skipped || !run) return { action: 'done', reason: skipped ?? 'unknown run' };
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  const follower = new RunFollower(deps, run, cancelWhenRequested(deps, logger));
  const budgetEndsAt = deps.now() + deps.followBudgetMs;
  const releaseLease = deps.followLeaseMs
    ? holdFollowLease({ ...deps, followLeaseMs: deps.followLeaseMs, maxHoldMs: deps.followBudgetMs + deps.staleClaimMs }, run, message.generation, logger)
    : () => undefined;

  try {
    let step = await pickUp(deps, follower, budgetEndsAt);
    while (step.kind === 'decisive' && step.state.status === 'requires_action') step = await resolveRequiredAction(deps, follower, step.state, budgetEndsAt);
    return await conclude(deps, follower, message, step, logger);
  } catch (error) {
    return await afterFailure(deps, follower, message, error, logger);
  } finally {
    releaseLease();
  }
}

/**
 * A failed delivery: rate limits and transient trouble re-queue the run (backoff counted in its ledger row, within
 * TRANSIENT_FAILURE_BUDGET); a refused request fails it now with the reason; the unrecognised go to the host's retries.
 */
async function afterFailure(deps: WorkerDeps, follower: RunFollower, message: RunQueueMessage, error: unknown, logger: Logger): Promise<WorkerResult> {
  const failure = classifyRunFailure(error);
  if (failure.kind === 'rate_limited') {
    return requeue(deps, follower.run, message, { delaySeconds: failure.retryAfterSeconds ?? RATE_LIMIT_DELAY_S, reason: 'upstream rate limited' });
  }
  if (failure.kind === 'unknown') {
    // Let the host retry the message (and poison it after maxDequeueCount).
    logger.error('run worker failed', { error });
    throw error;
  }
  if (failure.kind === 'transient') {
    const failures = (follower.run.transientFailures ?? 0) + 1;
    if (failures <= TRANSIENT_FAILURE_BUDGET) {
      logger.warn('transient failure; run re-queued with backoff', { error, failures });
      return requeue(deps, follower.run, message, { delaySeconds: backoffSeconds(failures, deps.random), reason: `transient failure ${failures}` }, failures);
    }
    logger.error('transient failures exhausted the retry budget; run failed', { error, failures });
    await failRun(deps, follower.run, { code: failure.error.code, message: `${failure.error.message} It kept failing after ${TRANSIENT_FAILURE_BUDGET} retries.` }, logger);
    return { action: 'done', reason: 'transient failures exhausted' };
  }
  logger.error('upstream refused the run; failed', { error });
  await failRun(deps, follower.run, failure.error, logger);
  return { action: 'done', reason: 'permanent failure' };
}

/** Ends the run failed, stopping it upstream first (best effort) so it cannot go on without us. */
export async function failRun(deps: Pick<WorkerDeps, 'upstream' | 'ledger' | 'logger' | 'now'>, run: RunRecord, lastError: RunError, logger: Logger): Promise<RunRecord> {
  if (run.upstreamRunId) await cancelUpstream(deps, run, logger);
  return finalizeRun(deps, run, { status: 'failed', lastError });
}

/** Asks the upstream to stop the run; one that already ended (or cannot be reached) is logged, not thrown. */
export async function cancelUpstream(deps: Pick<WorkerDeps, 'upstream'>, run: RunRecord, logger: Logger): Promise<void> {
  if (!run.upstreamRunId) return;
  try {
    await deps.upstream.cancel(run.threadId, run.upstreamRunId);
  } catch (error) {
    logger.warn('could not cancel the run upstream', { error });
  }
}

/**
 * Cancellation wins wherever it lands. A cancel recorded before the upstream run existed is carried out as soon as
 * this worker has recorded the upstream run's id: the ledger row each write returns shows it. (A cancel written after
 * that sees the id itself and cancels upstream in run-commands.ts; the ETag order of the two writes decides which.)
 */
function cancelWhenRequested(deps: Pick<WorkerDeps, 'upstream'>, logger: Logger): (run: RunRecord) => Promise<void> {
  let sent = false;
  return async (run) => {
    if (sent || !run.cancelRequested || !run.upstreamRunId || isTerminal(run.status) || run.status === 'cancelling') return;
    sent = true;
    logger.info('cancel requested while the run started; cancelling upstream');
    await cancelUpstream(deps, run, logger);
  };
}

/** A message for an unknown or finished run, or older than the run's generation, is dropped. */
function whyNotFollow(run: RunRecord | null, message: RunQueueMessage): string | undefined {
  if (!run) return 'unknown run';
  if (isTerminal(run.status)) return 'already terminal';
  if (message.generation < (run.followGeneration ?? 0)) return 'superseded message';
  return undefined;
}

/** Starts the upstream run (or adopts the one an earlier delivery started), or reads where it stands. */
async function pickUp(deps: WorkerDeps, follower: RunFollower, budgetEndsAt: number): Promise<Step> {
  const run = follower.run;
  if (run.upstreamRunId) {
    const picked: Awaited<ReturnType<NonNullable<UpstreamRuns['resume']>>> = deps.upstream.resume
      ? await deps.upstream.resume(run.threadId, run.upstreamRunId)
      : await deps.upstream.retrieve(run.threadId, run.upstreamRunId);
    const { state, pollAfterMs, stream } = picked;
    // A run waiting on tool outputs may have nothing upstream to cancel (Responses): the cancel request wins here.
    if (run.cancelRequested && state.status === 'requires_action') return { kind: 'decisive', state: { ...state, status: 'cancelled', toolCalls: [] } };
    await follower.record(state);
    if (isDecisive(state.status)) return { kind: 'decisive', state };
    if (stream) return followed(await follower.follow(stream, budgetEndsAt));
    return { kind: 'wait', delaySeconds: pollAfterMs ? pollAfterMs / 1000 : MIN_DELAY_S, reason: `upstream ${state.status}` };
  }
  if (run.cancelRequested) {
    await finalizeRun(deps, run, { status: 'cancelled' });
    return { kind: 'done', reason: 'cancelled before start' };
  }
  if (!run.assistantId) throw new Error('run has no assistant id');
  const started = await deps.upstream.start({ threadId: run.threadId, runId: run.runId, assistantId: run.assistantId, additionalInstructions: run.additionalInstructions });
  if ('adopted' in started) {
    await follower.record(started.adopted);
    return decisiveOr(started.adopted, `upstream ${started.adopted.status}`);
  }
  return followed(await follower.follow(started.stream, budgetEndsAt));
}

/** Runs the backend's tools and submits every output, following the run on; or waits for the frontend's. */
async function resolveRequiredAction(deps: WorkerDeps, follower: RunFollower, state: UpstreamRunState, budgetEndsAt: number): Promise<Step> {
  const run = follower.run;
  const resolution = await resolveToolCalls(deps, run, state.toolCalls, state.expiresAt ?? deps.now() + DEFAULT_TOOL_DEADLINE_MS);
  if (resolution.kind === 'awaiting_client') {
    await deps.ledger.appendRunEvent(run.runId, { type: 'run.requires_client_action', data: { tool_call_ids: resolution.pending, approval_tool_call_ids: resolution.approvals }, at: deps.now() });
    // Re-check periodically so an abandoned run is recorded as expired.
    return { kind: 'wait', delaySeconds: Math.ceil(deps.recheckIntervalMs / 1000), reason: 'awaiting client tool outputs or approvals' };
  }
  if (resolution.kind === 'in_progress_elsewhere') return { kind: 'wait', delaySeconds: Math.ceil(deps.staleClaimMs / 1000), reason: 'tool call claimed elsewhere' };
  // A cancel that landed while the tools ran wins: the run does not go on (on Responses nothing upstream would stop it).
  if ((await deps.ledger.getRun(run.threadId, run.runId))?.cancelRequested) return { kind: 'decisive', state: { ...state, status: 'cancelled', toolCalls: [] } };

  const stream = await deps.upstream.submitToolOutputs(run.threadId, state.id, resolution.outputs);
  if (stream) return followed(await follower.follow(stream, budgetEndsAt));
  // Someone else submitted first: pick up the current state instead.
  const { state: current } = await deps.upstream.retrieve(run.threadId, state.id);
  await follower.record(current);
  return decisiveOr(current, 'outputs already submitted');
}

/** Records a terminal run's end, or hands the run back to the queue. */
async function conclude(deps: WorkerDeps, follower: RunFollower, message: RunQueueMessage, step: Step, logger: Logger): Promise<WorkerResult> {
  if (step.kind === 'done') return { action: 'done', reason: step.reason };
  if (step.kind === 'wait') return requeue(deps, follower.run, message, step);
  if (step.state.status !== 'completed' && (await toolStillRunning(deps, follower.run))) {
    // E.g. cancelled while another worker's tool is being aborted: let that worker record the tool's own outcome first.
    return requeue(deps, follower.run, message, { delaySeconds: MIN_DELAY_S, reason: 'a tool call is still recording its outcome' });
  }
  await follower.finish(step.state);
  logger.info('run finished', { status: step.state.status });
  return { action: 'done', reason: step.state.status };
}

/** A call claimed recently enough that its worker is presumably alive (older claims are closed by finalizeRun). */
async function toolStillRunning(deps: WorkerDeps, run: RunRecord): Promise<boolean> {
  const calls = await deps.ledger.listToolCalls(run.runId);
  return calls.some((call) => call.status === 'claimed' && deps.now() - call.claimedAt < deps.staleClaimMs);
}

function followed(outcome: Awaited<ReturnType<RunFollower['follow']>>): Step {
  return outcome.kind === 'decisive' ? outcome : { kind: 'wait', delaySeconds: MIN_DELAY_S, reason: 'follow budget used' };
}

function decisiveOr(state: UpstreamRunState, reason: string): Step {
  return isDecisive(state.status) ? { kind: 'decisive', state } : { kind: 'wait', delaySeconds: MIN_DELAY_S, reason };
}

/**
 * The next generation of the run's queue chain, visible after the delay. The generation is taken first (compare-and-set
 * from this message's): a duplicate delivery of the same generation loses here and stops, so one follower goes on.
 * A crash between taking it and sending leaves a run that no longer changes, which the reconciler re-queues.
 */
async function requeue(deps: WorkerDeps, run: RunRecord, message: RunQueueMessage, wait: { delaySeconds: number; reason: string }, transientFailures = 0): Promise<WorkerResult> {
  const delay = Math.min(MAX_DELAY_S, Math.max(MIN_DELAY_S, Math.ceil(wait.delaySeconds)));
  // The count of transient failures rides on the same write: set after a failure, cleared after a pass that worked.
  const patch: RunPatch = transientFailures > 0 || run.transientFailures ? { transientFailures } : {};
  // The next generation's lease rides on the same write: it covers the delay and the pick-up (runs/follow-lease.ts).
  if (deps.followLeaseMs) patch.followLeaseUntil = leaseAfter(deps.now(), deps.followLeaseMs, delay);
  const advanced = await deps.ledger.advanceFollowGeneration(run.threadId, run.runId, message.generation, patch);
  if (!advanced) return { action: 'done', reason: 'superseded while following' };
  await deps.queue.send({ threadId: run.threadId, runId: run.runId, generation: message.generation + 1 }, { visibilityDelaySeconds: delay });
  return { action: 'requeued', delaySeconds: delay, reason: wait.reason };
}
