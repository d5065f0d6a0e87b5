// Follows one run for one worker invocation. It holds the run's ledger snapshot and records each upstream
// state change once: the ledger row, and a `run.status` event when the status moved. Messages the run wrote
// are recorded with their files. Like openai-node's AssistantStream (#currentRunSnapshot), the snapshot lives
// in this one object rather than being passed around.
import type { Message } from 'openai/resources/beta/threads/messages';
import type { Logger } from '../logging';
import type { Ledger, RunPatch, RunRecord } from '../store/ledger';
import { isDecisive, MESSAGE_DELTA_INTERVAL_MS, type RunError, type RunStatus } from './run-facts';
import type { UpstreamRunState, UpstreamRuns, UpstreamStream } from './upstream-runs';

export interface FollowerDeps {
  upstream: Pick<UpstreamRuns, 'runMessages' | 'file'>;
  ledger: Ledger;
  logger: Logger;
  now: () => number;
}

export type FollowOutcome =
  /** The run reached requires_action or a terminal status. */
  | { kind: 'decisive'; state: UpstreamRunState }
  /** The budget ran out (or the stream ended early): hand the run back to the queue. */
  | { kind: 'interrupted' };

export class RunFollower {
  #snapshot: RunRecord;
  /** Whether the run's messages were seen on an event stream (else they are read once at the end). */
  #streamed = false;
  /** Text deltas not yet written, and when the last delta event was written. */
  #pendingDelta: { messageId: string; text: string } | undefined;
  #lastDeltaWriteAt = 0;
  #deltaTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ledger writes of this follower, one after another, so a timed delta flush never interleaves with the loop's. */
  #writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: FollowerDeps,
    run: RunRecord,
    /** Called with the ledger's row after each state this follower wrote (e.g. to act on a cancel recorded meanwhile). */
    private readonly afterRecord?: (run: RunRecord) => Promise<void>,
  ) {
    this.#snapshot = run;
  }

  get run(): RunRecord {
    return this.#snapshot;
  }

  /** Mirrors one upstream state into the ledger; a state that changes nothing writes nothing. */
  async record(state: UpstreamRunState): Promise<void> {
    const run = this.#snapshot;
    const patch: RunPatch = {};
    if (run.upstreamRunId !== state.id) patch.upstreamRunId = state.id;
    if (state.expiresAt && run.expiresAt !== state.expiresAt) patch.expiresAt = state.expiresAt;
    if (run.status !== state.status) patch.status = state.status;
    if (state.usage && !run.usage) patch.usage = state.usage;
    if (state.lastError && !run.lastError) patch.lastError = state.lastError;
    if (Object.keys(patch).length === 0) return;
    this.#snapshot = await this.deps.ledger.updateRun(run.threadId, run.runId, patch);
    if (patch.status && this.#snapshot.status === patch.status) await this.statusEvent(state.status, patch.lastError ?? null);
    await this.afterRecord?.(this.#snapshot);
  }

  /** Follows a stream until the run is decisive or the budget ends, recording every state on the way. */
  async follow(stream: UpstreamStream, budgetEndsAt: number): Promise<FollowOutcome> {
    this.#streamed = true;
    const timer = setTimeout(() => stream.abort(), Math.max(0, budgetEndsAt - this.deps.now()));
    try {
      for await (const update of stream) {
        if (update.type === 'text_delta') {
          await this.queueDelta(update.messageId, update.text);
          continue;
        }
        // Whatever comes next (a whole message, a state) is preceded by the text streamed before it.
        await this.serial(() => this.flushDelta());
        if (update.type === 'message') {
          await this.serial(() => this.recordMessage(update.message));
          continue;
        }
        await this.serial(() => this.record(update.state));
        if (isDecisive(update.state.status)) {
          stream.abort();
          return { kind: 'decisive', state: update.state };
        }
      }
      return { kind: 'interrupted' };
    } catch (error) {
      if (stream.aborted) return { kind: 'interrupted' };
      throw error;
    } finally {
      clearTimeout(timer);
      clearTimeout(this.#deltaTimer);
      await this.serial(() => this.flushDelta());
    }
  }

  /**
   * Coalesces text deltas: written at once when the last write is MESSAGE_DELTA_INTERVAL_MS old, else by a
   * timer at the end of the interval (or before the next non-delta update, whichever comes first).
   */
  private async queueDelta(messageId: string, text: string): Promise<void> {
    if (this.#pendingDelta && this.#pendingDelta.messageId !== messageId) await this.serial(() => this.flushDelta());
    this.#pendingDelta = { messageId, text: (this.#pendingDelta?.text ?? '') + text };
    const wait = this.#lastDeltaWriteAt + MESSAGE_DELTA_INTERVAL_MS - this.deps.now();
    if (wait <= 0) {
      await this.serial(() => this.flushDelta());
      return;
    }
    this.#deltaTimer ??= setTimeout(() => {
      this.#deltaTimer = undefined;
      void this.serial(() => this.flushDelta()).catch((error: unknown) =>
        this.deps.logger.warn('could not record a message delta', { threadId: this.#snapshot.threadId, runId: this.#snapshot.runId, error }),
      );
    }, wait);
  }

  private async flushDelta(): Promise<void> {
    const pending = this.#pendingDelta;
    if (!pending) return;
    this.#pendingDelta = undefined;
    clearTimeout(this.#deltaTimer);
    this.#deltaTimer = undefined;
    this.#lastDeltaWriteAt = this.deps.now();
    await this.deps.ledger.appendRunEvent(this.#snapshot.runId, { type: 'message.delta', data: { id: pending.messageId, delta: pending.text }, at: this.#lastDeltaWriteAt });
  }

  /** Runs one ledger write after the ones already queued. */
  private serial(write: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(write);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /** Records the run's end: messages nobody streamed are read once, then the thread is freed. */
  async finish(state: UpstreamRunState): Promise<void> {
    if (!this.#streamed) await this.catchUpMessages(state.id);
    this.#snapshot = await finalizeRun(this.deps, this.#snapshot, state);
  }

  /** An assistant message: its files first, so a frontend reacting to the event can already download them. */
  async recordMessage(message: Message): Promise<void> {
    const run = this.#snapshot;
    await this.recordGeneratedFiles(message);
    await this.deps.ledger.appendRunEvent(run.runId, { type: 'message.completed', data: { id: message.id, role: message.role, content: message.content }, at: this.deps.now() });
  }

  private async statusEvent(status: RunStatus, lastError: RunError | null): Promise<void> {
    await this.deps.ledger.appendRunEvent(this.#snapshot.runId, { type: 'run.status', data: { status, last_error: lastError }, at: this.deps.now() });
  }

  /**
   * A run that ended while nobody followed its stream (budget used, adopted, picked up by polling):
   * its messages are read once, so their files and message events are recorded all the same.
   */
  private async catchUpMessages(upstreamRunId: string): Promise<void> {
    const run = this.#snapshot;
    const seen = new Set((await this.deps.ledger.listRunEvents(run.runId)).flatMap((event) => (event.type === 'message.completed' ? [event.data.id] : [])));
    for (const message of await this.deps.upstream.runMessages(run.threadId, upstreamRunId)) {
      if (message.role === 'assistant' && !seen.has(message.id)) await this.recordMessage(message);
    }
  }

  /** Files the run wrote into an assistant message (images, file_path links) become the run owner's to download. */
  private async recordGeneratedFiles(message: Message): Promise<void> {
    if (message.role !== 'assistant') return;
    const run = this.#snapshot;
    const found = new Map<string, { image: boolean; text?: string }>();
    for (const part of message.content) {
      if (part.type === 'image_file') found.set(part.image_file.file_id, { image: true });
      if (part.type !== 'text') continue;
      for (const a of part.text.annotations) if (a.type === 'file_path' && !found.has(a.file_path.file_id)) found.set(a.file_path.file_id, { image: false, text: a.text });
    }
    for (const [fileId, hint] of found) {
      // One cheap call gives the real name and size; without it the link text (sandbox:/mnt/data/<name>) names the file.
      const upstream = await this.deps.upstream.file(fileId).catch((error: unknown) => {
        this.deps.logger.warn('could not read a generated file', { threadId: run.threadId, runId: run.runId, fileId, error });
        return undefined;
      });
      const filename = (upstream?.filename ?? hint.text ?? '').split(/[/\\]/).pop()?.slice(-255) || (hint.image ? `${fileId}.png` : fileId);
      await this.deps.ledger.recordFile({
        fileId,
        ownerId: run.ownerId,
        purpose: 'assistants_output',
        filename,
        bytes: upstream?.bytes ?? 0,
        contentType: hint.image ? 'image/png' : 'application/octet-stream',
        createdAt: this.deps.now(),
        threadId: run.threadId,
        runId: run.runId,
        source: 'generated',
        ...(upstream?.containerId ? { containerId: upstream.containerId } : {}),
      });
    }
  }
}

/** Records the run's end, closes tool calls a dead worker left running, frees the thread, and marks it active. */
export async function finalizeRun(
  deps: Pick<FollowerDeps, 'ledger' | 'now'>,
  run: RunRecord,
  outcome: { status: RunStatus; usage?: RunRecord['usage']; lastError?: RunError },
): Promise<RunRecord> {
  const error = outcome.lastError;
  const updated = await deps.ledger.updateRun(run.threadId, run.runId, {
    status: outcome.status,
    completedAt: deps.now(),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    ...(error ? { lastError: error } : {}),
  });
  if (run.status !== outcome.status) {
    await deps.ledger.appendRunEvent(run.runId, { type: 'run.status', data: { status: outcome.status, last_error: error ?? null }, at: deps.now() });
  }
  if (updated.status !== 'completed') await closeClaimedToolCalls(deps, run);
  // The release marks the thread active now too (one write; a thread another run took over was marked by that claim).
  await deps.ledger.setActiveRun(run.threadId, null, { expectRunId: run.runId, at: deps.now() });
  return updated;
}

/**
 * A run that ended without completing (expired, failed, cancelled) may hold calls whose worker died mid-tool: they
 * stay `claimed` forever otherwise. Whether their effect happened is unknown, and the ledger says so.
 */
export async function closeClaimedToolCalls(deps: Pick<FollowerDeps, 'ledger' | 'now'>, run: RunRecord): Promise<void> {
  for (const call of await deps.ledger.listToolCalls(run.runId)) {
    if (call.status !== 'claimed') continue;
    const output = JSON.stringify({ error: 'outcome_unknown', message: `The run ended while ${call.name} was running; whether it took effect is unknown.` });
    await deps.ledger.completeToolCall(run.runId, call.toolCallId, { status: 'unknown_outcome', output, completedAt: deps.now() });
    await deps.ledger.appendRunEvent(run.runId, { type: 'run.tool_output', data: { id: call.toolCallId, status: 'unknown_outcome', output }, at: deps.now() });
  }
}
