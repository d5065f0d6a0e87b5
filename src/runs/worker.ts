// The run worker's logic (the queue-triggered function is a thin adapter over this).
// One delivery of a run message moves the run as far as it can within a time budget:
// it creates the upstream run or picks it up, follows its updates, executes the backend's
// tools and submits outputs, and finally hands the run back to the queue with a visibility
// delay when there is nothing to do but wait. It never sleeps.
import type { Logger } from '../logging';
import type { Ledger, RunRecord } from '../store/ledger';
import type { RunQueue } from '../store/run-queue';
import { classifyUpstreamError } from '../upstream/errors';
import { finalizeRun, RunFollower } from './run-follower';
import { isDecisive, isTerminal, type RunQueueMessage } from './run-facts';
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
  const follower = new RunFollower(deps, run);
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  const budgetEndsAt = deps.now() + deps.followBudgetMs;

  try {
    let step = await pickUp(deps, follower, budgetEndsAt);
    while (step.kind === 'decisive' && step.state.status === 'requires_action') step = await resolveRequiredAction(deps, follower, step.state, budgetEndsAt);
    return await conclude(deps, follower, message, step, logger);
  } catch (error) {
    const mapped = classifyUpstreamError(error);
    if (mapped.code === 'rate_limited') {
      const retryAfter = mapped.details.retryAfterSeconds;
      return requeue(deps, follower.run, message, { delaySeconds: typeof retryAfter === 'number' ? retryAfter : RATE_LIMIT_DELAY_S, reason: 'upstream rate limited' });
    }
    // Anything else: let the host retry the message (and poison it after maxDequeueCount).
    logger.error('run worker failed', { error });
    throw error;
  }
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
  await follower.finish(step.state);
  logger.info('run finished', { status: step.state.status });
  return { action: 'done', reason: step.state.status };
}

function followed(outcome: Awaited<ReturnType<RunFollower['follow']>>): Step {
  return outcome.kind === 'decisive' ? outcome : { kind: 'wait', delaySeconds: MIN_DELAY_S, reason: 'follow budget used' };
}

function decisiveOr(state: UpstreamRunState, reason: string): Step {
  return isDecisive(state.status) ? { kind: 'decisive', state } : { kind: 'wait', delaySeconds: MIN_DELAY_S, reason };
}

/** The next generation of the run's queue chain, visible after the delay. */
async function requeue(deps: WorkerDeps, run: RunRecord, message: RunQueueMessage, wait: { delaySeconds: number; reason: string }): Promise<WorkerResult> {
  const delay = Math.min(MAX_DELAY_S, Math.max(MIN_DELAY_S, Math.ceil(wait.delaySeconds)));
  const generation = message.generation + 1;
  // Send before recording the generation: a crash in between leaves a valid message, never none.
  await deps.queue.send({ threadId: run.threadId, runId: run.runId, generation }, { visibilityDelaySeconds: delay });
  await deps.ledger.updateRun(run.threadId, run.runId, { followGeneration: generation });
  return { action: 'requeued', delaySeconds: delay, reason: wait.reason };
}
