// The run worker's logic (the queue-triggered function is a thin adapter over this).
// One delivery of a run message moves the run as far as it can within a time budget:
// it creates the upstream run or picks it up, follows its event stream, executes the
// backend's tools and submits outputs, and finally hands the run back to the queue with a
// visibility delay when there is nothing to do but wait. It never sleeps.
import { APIError } from 'openai';
import type { Message } from 'openai/resources/beta/threads/messages';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { followStream, type AbortableStream, type StreamOutcome } from './follow-stream';
import type { RunDeps, RunQueueMessage, RunRecordView } from './ports';
import { isTerminal } from './run-status';
import { resolveToolCalls } from './resolve-tool-calls';
import { recordUpstreamRun, finalizeRun } from './record-run';

export type WorkerResult = { action: 'done'; reason: string } | { action: 'requeued'; delaySeconds: number; reason: string };

const MIN_DELAY_S = 1;
const MAX_DELAY_S = 60;

export async function processRunMessage(deps: RunDeps, message: RunQueueMessage): Promise<WorkerResult> {
  let run = await deps.ledger.getRun(message.threadId, message.runId);
  if (!run) return { action: 'done', reason: 'unknown run' };
  if (isTerminal(run.status)) return { action: 'done', reason: 'already terminal' };
  if (message.attempt < (run.followGeneration ?? 0)) return { action: 'done', reason: 'superseded message' };
  const logger = deps.logger.child({ threadId: run.threadId, runId: run.runId, upstreamRunId: run.upstreamRunId });
  const budgetEndsAt = deps.now() + deps.followBudgetMs;

  try {
    let outcome: StreamOutcome;
    // Whether the run's messages were seen on its event stream (else they are read once at the end).
    let streamed = false;
    if (!run.upstreamRunId) {
      if (run.cancelRequested) {
        await finalizeRun(deps, run, { status: 'cancelled' });
        return { action: 'done', reason: 'cancelled before start' };
      }
      const started = await startUpstreamRun(deps, run);
      if ('adopted' in started) {
        run = await recordUpstreamRun(deps, run, started.adopted);
        outcome = { kind: 'decisive', run: started.adopted };
      } else {
        outcome = await followStream(started.stream, streamHandlers(deps, () => run!, (r) => (run = r)), budgetEndsAt, deps.now);
        streamed = true;
      }
    } else {
      const { data, response } = await deps.client.beta.threads.runs.retrieve(run.upstreamRunId, { thread_id: run.threadId }).withResponse();
      run = await recordUpstreamRun(deps, run, data);
      outcome = { kind: 'decisive', run: data };
      if (!isTerminal(data.status) && data.status !== 'requires_action') {
        return requeue(deps, run, message, pollDelaySeconds(response.headers.get('openai-poll-after-ms')), `upstream ${data.status}`);
      }
    }

    // Drive the run until it needs waiting: each submit streams the next stretch.
    for (;;) {
      if (outcome.kind === 'interrupted') return requeue(deps, run, message, MIN_DELAY_S, 'follow budget used');
      const upstream = outcome.run;
      run = await recordUpstreamRun(deps, run, upstream);
      if (isTerminal(upstream.status)) {
        if (!streamed) await catchUpMessages(deps, run, upstream.id);
        await finalizeRun(deps, run, upstream);
        logger.info('run finished', { status: upstream.status });
        return { action: 'done', reason: upstream.status };
      }
      if (upstream.status !== 'requires_action') return requeue(deps, run, message, MIN_DELAY_S, `upstream ${upstream.status}`);

      const calls = upstream.required_action?.submit_tool_outputs.tool_calls ?? [];
      const deadlineMs = upstream.expires_at ? upstream.expires_at * 1000 : deps.now() + 600_000;
      const resolution = await resolveToolCalls(deps, run, calls, deadlineMs);
      if (resolution.kind === 'awaiting_client') {
        await deps.ledger.appendRunEvent(run.runId, { type: 'run.requires_client_action', data: { tool_call_ids: resolution.pending }, at: deps.now() });
        // Re-check periodically so an abandoned run is recorded as expired.
        return requeue(deps, run, message, Math.ceil(deps.recheckIntervalMs / 1000), 'awaiting client tool outputs');
      }
      if (resolution.kind === 'in_progress_elsewhere') return requeue(deps, run, message, Math.ceil(deps.staleClaimMs / 1000), 'tool call claimed elsewhere');

      const stream = await submitOutputs(deps, run, upstream.id, resolution.outputs);
      if (!stream) {
        // Someone else submitted first: pick up the current state instead.
        const current = await deps.client.beta.threads.runs.retrieve(upstream.id, { thread_id: run.threadId });
        outcome = { kind: 'decisive', run: current };
        if (!isTerminal(current.status) && current.status !== 'requires_action') return requeue(deps, run, message, MIN_DELAY_S, 'outputs already submitted');
        continue;
      }
      outcome = await followStream(stream, streamHandlers(deps, () => run!, (r) => (run = r)), budgetEndsAt, deps.now);
      streamed = true;
    }
  } catch (error) {
    if (error instanceof APIError && error.status === 429) {
      const retryAfter = Number(error.headers?.get('retry-after'));
      return requeue(deps, run, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 5, 'upstream rate limited');
    }
    // Anything else: let the host retry the message (and poison it after maxDequeueCount).
    logger.error('run worker failed', { error });
    throw error;
  }
}

function streamHandlers(deps: RunDeps, current: () => RunRecordView, update: (run: RunRecordView) => void) {
  return {
    onRun: async (upstream: Run) => update(await recordUpstreamRun(deps, current(), upstream)),
    onMessageCompleted: async (message: Message) => {
      // Recorded first, so a frontend reacting to the event can already download them.
      await recordGeneratedFiles(deps, current(), message);
      await deps.ledger.appendRunEvent(current().runId, { type: 'message.completed', data: { id: message.id, role: message.role, content: message.content }, at: deps.now() });
    },
  };
}

/** Files the run wrote into an assistant message (images, file_path links) become the run owner's to download. */
/**
 * A run that ended while nobody followed its stream (budget used, adopted, picked up by polling):
 * its messages are read once, so their files and message events are recorded all the same.
 */
async function catchUpMessages(deps: RunDeps, run: RunRecordView, upstreamRunId: string): Promise<void> {
  const seen = new Set(
    (await deps.ledger.listRunEvents(run.runId)).filter((event) => event.type === 'message.completed').map((event) => (event.data as { id?: string }).id),
  );
  const page = await deps.client.beta.threads.messages.list(run.threadId, { run_id: upstreamRunId, order: 'asc', limit: 100 });
  const handlers = streamHandlers(deps, () => run, () => undefined);
  for (const message of page.data) {
    if (message.role === 'assistant' && !seen.has(message.id)) await handlers.onMessageCompleted(message);
  }
}

async function recordGeneratedFiles(deps: RunDeps, run: RunRecordView, message: Message): Promise<void> {
  if (message.role !== 'assistant') return;
  const found = new Map<string, { image: boolean; text?: string }>();
  for (const part of message.content) {
    if (part.type === 'image_file') found.set(part.image_file.file_id, { image: true });
    if (part.type !== 'text') continue;
    for (const a of part.text.annotations) if (a.type === 'file_path' && !found.has(a.file_path.file_id)) found.set(a.file_path.file_id, { image: false, text: a.text });
  }
  for (const [fileId, hint] of found) {
    // One cheap call gives the real name and size; without it the link text (sandbox:/mnt/data/<name>) names the file.
    const upstream = await deps.client.files.retrieve(fileId).catch((error: unknown) => {
      deps.logger.warn('could not read a generated file', { threadId: run.threadId, runId: run.runId, fileId, error });
      return undefined;
    });
    const filename = (upstream?.filename ?? hint.text ?? '').split(/[/\\]/).pop()?.slice(-255) || (hint.image ? `${fileId}.png` : fileId);
    await deps.ledger.recordFile({
      fileId,
      ownerId: run.ownerId,
      purpose: 'assistants_output',
      filename,
      bytes: upstream?.bytes ?? 0,
      contentType: hint.image ? 'image/png' : 'application/octet-stream',
      createdAt: deps.now(),
      threadId: run.threadId,
      runId: run.runId,
      source: 'generated',
    });
  }
}

async function startUpstreamRun(deps: RunDeps, run: RunRecordView): Promise<{ stream: AbortableStream } | { adopted: Run }> {
  if (!run.assistantId) throw new Error('run has no assistant id');
  try {
    const stream = await deps.client.beta.threads.runs.create(run.threadId, {
      assistant_id: run.assistantId,
      ...(run.additionalInstructions ? { additional_instructions: run.additionalInstructions } : {}),
      metadata: { app_run_id: run.runId, app_deployment: deps.deploymentId },
      stream: true,
    });
    return { stream };
  } catch (error) {
    // A previous delivery created the run and died before recording it: adopt that run.
    const active = error instanceof APIError && error.status === 400 ? /already has an active run (\S+?)\.?$/.exec(error.message) : null;
    if (!active?.[1]) throw error;
    const existing = await deps.client.beta.threads.runs.retrieve(active[1], { thread_id: run.threadId });
    if (existing.metadata?.['app_run_id'] !== run.runId) throw error;
    return { adopted: existing };
  }
}

async function submitOutputs(deps: RunDeps, run: RunRecordView, upstreamRunId: string, outputs: { tool_call_id: string; output: string }[]): Promise<AbortableStream | null> {
  try {
    return await deps.client.beta.threads.runs.submitToolOutputs(upstreamRunId, { thread_id: run.threadId, tool_outputs: outputs, stream: true });
  } catch (error) {
    if (error instanceof APIError && error.status === 400 && /do not accept tool outputs/.test(error.message)) return null;
    throw error;
  }
}

async function requeue(deps: RunDeps, run: RunRecordView, message: RunQueueMessage, delaySeconds: number, reason: string): Promise<WorkerResult> {
  const delay = Math.min(MAX_DELAY_S, Math.max(MIN_DELAY_S, Math.ceil(delaySeconds)));
  const generation = message.attempt + 1;
  // Send before recording the generation: a crash in between leaves a valid message, never none.
  await deps.queue.send({ threadId: run.threadId, runId: run.runId, attempt: generation }, { visibilityDelaySeconds: delay });
  await deps.ledger.updateRun(run.threadId, run.runId, { followGeneration: generation });
  return { action: 'requeued', delaySeconds: delay, reason };
}

function pollDelaySeconds(header: string | null): number {
  const ms = Number(header);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : MIN_DELAY_S;
}
