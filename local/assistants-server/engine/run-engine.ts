// The run lifecycle state machine. Runs advance on the server's own timers, measured against the
// controllable clock: queued → in_progress → (model turns, each spending its delay_ms in_progress) →
// requires_action | completed | failed; cancel goes cancelling → cancelled; an active run whose
// expires_at passes becomes expired. Every transition is published as the SSE event the service sends.
import type { Clock } from './clock';
import { DONE, type RunListener } from './events';
import { estimateTokens, usageOf } from './usage';
import { invalidRequest, pyList } from '../http/errors';
import type { Model } from '../model/model';
import { runPromptTokens, runTurnContext } from './run-context';
import { UNPACED, type Pacing, type Turn } from '../model/turns';
import { addFile } from '../resources/files/file-records';
import { searchStores } from '../resources/vector-stores/search';
import { newId } from '../store/ids';
import type { StoredRun } from '../store/state';
import type { Store } from '../store/store';
import type { FunctionToolCall, Message, MessageContent, Run, RunStep, ToolCall } from '../store/wire-types';

/** Time a run spends queued before a worker picks it up, and cancelling before it is cancelled. */
const QUEUE_DELAY_MS = 20;
const CANCEL_DELAY_MS = 20;
export const RUN_LIFETIME_SECONDS = 600;

export type RunSettings = Pick<
  Run,
  | 'assistant_id'
  | 'model'
  | 'instructions'
  | 'tools'
  | 'metadata'
  | 'temperature'
  | 'top_p'
  | 'max_prompt_tokens'
  | 'max_completion_tokens'
  | 'truncation_strategy'
  | 'tool_choice'
  | 'parallel_tool_calls'
  | 'response_format'
>;

export interface ToolOutput {
  tool_call_id?: string;
  output?: string;
}

type TerminalStatus = 'completed' | 'failed' | 'cancelled' | 'expired' | 'incomplete';

export class RunEngine {
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly expiryTimers = new Map<string, () => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly model: Model,
  ) {}

  createRun(threadId: string, settings: RunSettings, listener?: RunListener): Run {
    const now = this.clock.nowSeconds();
    const run: Run = {
      id: newId.run(),
      object: 'thread.run',
      created_at: now,
      thread_id: threadId,
      status: 'queued',
      started_at: null,
      expires_at: now + RUN_LIFETIME_SECONDS,
      cancelled_at: null,
      failed_at: null,
      completed_at: null,
      required_action: null,
      last_error: null,
      incomplete_details: null,
      usage: null,
      ...settings,
    };
    const stored: StoredRun = {
      run,
      internal: { generation: 0, promptTokens: 0, completionTokens: 0, requiresActionAtMs: null, terminalAtMs: null },
    };
    this.store.state.threadRuns(threadId).set(run.id, stored);
    if (listener) this.subscribe(run.id, listener);
    this.emitRun(stored, 'thread.run.created');
    this.emitRun(stored, 'thread.run.queued');
    this.armExpiry(stored);
    this.scheduleStart(stored);
    this.store.changed();
    return run;
  }

  submitToolOutputs(stored: StoredRun, outputs: ToolOutput[], listener?: RunListener): Run {
    const { run } = stored;
    if (run.status !== 'requires_action' || !run.required_action) throw invalidRequest(`Runs in status "${run.status}" do not accept tool outputs.`);
    const expected = run.required_action.submit_tool_outputs.tool_calls.map((c) => c.id);
    const given = outputs.flatMap((o) => (o.tool_call_id === undefined ? [] : [o.tool_call_id]));
    const exact = given.length === expected.length && new Set(given).size === given.length && expected.every((id) => given.includes(id));
    if (!exact) throw invalidRequest(`Expected tool outputs for call_ids ${pyList(expected)}, got ${pyList(given)}`);

    if (listener) this.subscribe(run.id, listener);
    const step = this.steps(run.id).find((s) => s.status === 'in_progress' && s.step_details.type === 'tool_calls');
    if (step && step.step_details.type === 'tool_calls') {
      for (const call of step.step_details.tool_calls) {
        if (call.type === 'function') call.function.output = outputs.find((o) => o.tool_call_id === call.id)?.output ?? '';
      }
      const pending = stored.internal.pendingStepUsage ?? { prompt: 0, completion: 0 };
      delete stored.internal.pendingStepUsage;
      this.completeStep(step, pending.prompt, pending.completion);
    }
    run.required_action = null;
    run.status = 'queued';
    this.emitRun(stored, 'thread.run.queued');
    this.scheduleStart(stored);
    this.store.changed();
    return run;
  }

  cancel(stored: StoredRun): Run {
    const { run, internal } = stored;
    if (run.status !== 'queued' && run.status !== 'in_progress' && run.status !== 'requires_action') {
      throw invalidRequest(`Cannot cancel run with status '${run.status}'.`);
    }
    run.status = 'cancelling';
    const generation = ++internal.generation;
    this.emitRun(stored, 'thread.run.cancelling');
    this.clock.after(CANCEL_DELAY_MS, () => {
      if (internal.generation === generation && run.status === 'cancelling') this.terminate(stored, 'cancelled', { cancelled_at: this.clock.nowSeconds() });
    });
    this.store.changed();
    return run;
  }

  /** Picks up runs loaded from a snapshot: re-arms expiry and continues whatever was under way. */
  resume(): void {
    for (const runs of this.store.state.runs.values()) {
      for (const stored of runs.values()) {
        const { run } = stored;
        if (run.status === 'queued' || run.status === 'in_progress' || run.status === 'requires_action') this.armExpiry(stored);
        if (run.status === 'queued') this.scheduleStart(stored);
        if (run.status === 'in_progress') void this.think(stored);
        if (run.status === 'cancelling') this.clock.after(CANCEL_DELAY_MS, () => this.terminate(stored, 'cancelled', { cancelled_at: this.clock.nowSeconds() }));
      }
    }
  }

  /** Forgets listeners and timers' bookkeeping (the clock's timers are cleared by its owner). */
  reset(): void {
    for (const runId of this.listeners.keys()) this.finishStream(runId);
    this.expiryTimers.clear();
  }

  subscribe(runId: string, listener: RunListener): () => void {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  // ---- lifecycle ----

  private scheduleStart(stored: StoredRun): void {
    const generation = stored.internal.generation;
    this.clock.after(QUEUE_DELAY_MS, () => {
      if (stored.internal.generation !== generation || stored.run.status !== 'queued' || !this.isLive(stored)) return;
      stored.run.status = 'in_progress';
      stored.run.started_at ??= this.clock.nowSeconds();
      this.emitRun(stored, 'thread.run.in_progress');
      this.store.changed();
      void this.think(stored);
    });
  }

  private armExpiry(stored: StoredRun): void {
    const { run } = stored;
    if (run.expires_at === null) return;
    this.expiryTimers.get(run.id)?.();
    this.expiryTimers.set(
      run.id,
      this.clock.at(run.expires_at * 1000, () => {
        const status = stored.run.status;
        if ((status === 'queued' || status === 'in_progress' || status === 'requires_action') && this.isLive(stored)) this.terminate(stored, 'expired', {});
      }),
    );
  }

  /** Asks the model for turns until one ends the run's current step (a tool call, a reply or a failure). */
  private async think(stored: StoredRun): Promise<void> {
    const generation = stored.internal.generation;
    const live = () => stored.internal.generation === generation && stored.run.status === 'in_progress' && this.isLive(stored);
    try {
      for (;;) {
        const prompt = runPromptTokens(this.store.state, stored);
        const turn = await this.model.nextTurn(runTurnContext(this.store.state, stored));
        if (!live()) return;
        if (turn.delayMs > 0) {
          await this.clock.sleep(turn.delayMs);
          if (!live()) return;
        }
        const more = await this.apply(stored, turn, prompt, live);
        if (!more || !live()) return;
      }
    } catch (error) {
      if (live()) this.terminate(stored, 'failed', { failed_at: this.clock.nowSeconds(), last_error: { code: 'server_error', message: errorText(error) } });
    }
  }

  /** Applies one turn; true when the run should take another turn. */
  private async apply(stored: StoredRun, turn: Turn, prompt: number, live: () => boolean): Promise<boolean> {
    const { run } = stored;
    switch (turn.kind) {
      case 'fail':
        this.terminate(stored, 'failed', { failed_at: this.clock.nowSeconds(), last_error: { code: turn.code, message: turn.message } });
        return false;
      case 'tool_calls':
        return this.requireAction(stored, turn.calls, prompt);
      case 'incomplete':
        if (turn.text === undefined) this.terminate(stored, 'incomplete', { incomplete_details: { reason: turn.reason } });
        else await this.reply(stored, [{ type: 'text', text: { value: turn.text, annotations: [] } }], prompt, estimateTokens(turn.text), live, turn.pacing, turn.reason);
        return false;
      case 'code_interpreter': {
        if (!run.tools.some((t) => t.type === 'code_interpreter')) {
          this.failTool(stored, 'code_interpreter');
          return false;
        }
        const outputs: ({ type: 'logs'; logs: string } | { type: 'image'; image: { file_id: string } })[] = [];
        if (turn.logs !== undefined) outputs.push({ type: 'logs', logs: turn.logs });
        if (turn.imagePngBase64) {
          const image = await this.outputFile('image.png', turn.imagePngBase64);
          outputs.push({ type: 'image', image: { file_id: image.id } });
          (stored.internal.outputImages ??= []).push(image.id);
        }
        if (!live()) return false;
        this.codeInterpreterStep(stored, turn.input, outputs, prompt);
        return true;
      }
      case 'file_search': {
        if (!run.tools.some((t) => t.type === 'file_search')) {
          this.failTool(stored, 'file_search');
          return false;
        }
        this.fileSearchStep(stored, turn.queries, prompt);
        return true;
      }
      case 'message': {
        const content: MessageContent[] = (stored.internal.outputImages ?? []).map((id) => ({ type: 'image_file', image_file: { file_id: id } }));
        if (turn.imagePngBase64) content.push({ type: 'image_file', image_file: { file_id: (await this.outputFile('image.png', turn.imagePngBase64)).id } });
        const annotations: Extract<MessageContent, { type: 'text' }>['text']['annotations'] = [];
        for (const spec of turn.files ?? []) {
          const file = await this.outputFile(spec.filename, spec.contentBase64);
          const link = `sandbox:/mnt/data/${spec.filename}`;
          for (let at = turn.text.indexOf(link); at >= 0; at = turn.text.indexOf(link, at + link.length)) {
            annotations.push({ type: 'file_path', text: link, file_path: { file_id: file.id }, start_index: at, end_index: at + link.length });
          }
        }
        annotations.sort((a, b) => a.start_index - b.start_index);
        content.push({ type: 'text', text: { value: turn.text, annotations } });
        if (!live()) return false;
        stored.internal.outputImages = [];
        await this.reply(stored, content, prompt, estimateTokens(turn.text), live, turn.pacing);
        return false;
      }
    }
  }

  private requireAction(stored: StoredRun, requested: { name: string; arguments: string }[], prompt: number): boolean {
    const { run, internal } = stored;
    const functions = new Set(run.tools.flatMap((t) => (t.type === 'function' ? [t.function.name] : [])));
    const unknown = requested.find((c) => !functions.has(c.name));
    if (unknown) {
      this.failTool(stored, unknown.name);
      return false;
    }
    // With parallel tool calls off the model makes one call per step.
    const calls: FunctionToolCall[] = (run.parallel_tool_calls ? requested : requested.slice(0, 1)).map((c) => ({
      id: newId.toolCall(),
      type: 'function',
      function: { name: c.name, arguments: c.arguments, output: null },
    }));
    const step = this.newStep(stored, 'tool_calls', { type: 'tool_calls', tool_calls: [] });
    calls.forEach((call, index) => {
      this.emitStepDelta(step, [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '', output: null } }]);
      for (const piece of chunks(call.function.arguments, 16)) this.emitStepDelta(step, [{ index, type: 'function', function: { arguments: piece } }]);
    });
    step.step_details = { type: 'tool_calls', tool_calls: calls };
    const completion = estimateTokens(calls.map((c) => c.function.name + c.function.arguments).join(''));
    internal.pendingStepUsage = { prompt, completion };
    internal.promptTokens += prompt;
    internal.completionTokens += completion;
    run.status = 'requires_action';
    run.required_action = {
      type: 'submit_tool_outputs',
      submit_tool_outputs: { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } })) },
    };
    internal.requiresActionAtMs = this.clock.nowMs();
    this.emitRun(stored, 'thread.run.requires_action');
    this.finishStream(run.id);
    this.store.changed();
    return false;
  }

  private codeInterpreterStep(
    stored: StoredRun,
    input: string,
    outputs: ({ type: 'logs'; logs: string } | { type: 'image'; image: { file_id: string } })[],
    prompt: number,
  ): void {
    const call: ToolCall = { id: newId.toolCall(), type: 'code_interpreter', code_interpreter: { input, outputs } };
    const step = this.newStep(stored, 'tool_calls', { type: 'tool_calls', tool_calls: [] });
    this.emitStepDelta(step, [{ index: 0, id: call.id, type: 'code_interpreter', code_interpreter: { input, outputs: outputs.map((o, index) => ({ index, ...o })) } }]);
    step.step_details = { type: 'tool_calls', tool_calls: [call] };
    const completion = estimateTokens(input);
    stored.internal.promptTokens += prompt;
    stored.internal.completionTokens += completion;
    this.completeStep(step, prompt, completion);
    this.store.changed();
  }

  /** A completed file_search step: the thread's and assistant's vector stores ranked for the queries. */
  private fileSearchStep(stored: StoredRun, queries: string[], prompt: number): void {
    const { state } = this.store;
    const { run } = stored;
    const storeIds = [
      ...(state.threads.get(run.thread_id)?.tool_resources?.file_search?.vector_store_ids ?? []),
      ...(state.assistants.get(run.assistant_id)?.tool_resources?.file_search?.vector_store_ids ?? []),
    ];
    const hits = searchStores(state, [...new Set(storeIds)], queries, { maxResults: 20, scoreThreshold: 0 });
    const ranking = { ranker: 'default_2024_08_21' as const, score_threshold: 0 };
    const results = hits.map((h) => ({ file_id: h.file_id, file_name: h.filename, score: h.score }));
    const call: ToolCall = { id: newId.toolCall(), type: 'file_search', file_search: { ranking_options: ranking, results } };
    const step = this.newStep(stored, 'tool_calls', { type: 'tool_calls', tool_calls: [] });
    this.emitStepDelta(step, [{ index: 0, id: call.id, type: 'file_search', file_search: {} }]);
    step.step_details = { type: 'tool_calls', tool_calls: [call] };
    const completion = estimateTokens(queries.join(' '));
    stored.internal.promptTokens += prompt;
    stored.internal.completionTokens += completion;
    this.completeStep(step, prompt, completion);
    this.store.changed();
  }

  /**
   * Writes the assistant's message and ends the run: completed, or incomplete (cut short) when a reason is given.
   * Paced text waits between deltas; a run that stopped being live meanwhile (cancelled, expired) was already
   * ended by whoever stopped it, with this message marked incomplete, so the reply just stops.
   */
  private async reply(
    stored: StoredRun,
    content: MessageContent[],
    prompt: number,
    completion: number,
    live: () => boolean,
    pacing: Pacing = UNPACED,
    incomplete?: 'max_completion_tokens' | 'max_prompt_tokens',
  ): Promise<void> {
    const { run, internal } = stored;
    const now = this.clock.nowSeconds();
    const message: Message = {
      id: newId.message(),
      object: 'thread.message',
      created_at: now,
      thread_id: run.thread_id,
      status: 'in_progress',
      incomplete_details: null,
      completed_at: null,
      incomplete_at: null,
      role: 'assistant',
      content: [],
      assistant_id: run.assistant_id,
      run_id: run.id,
      attachments: [],
      metadata: {},
    };
    this.store.state.threadMessages(run.thread_id).set(message.id, message);
    const step = this.newStep(stored, 'message_creation', { type: 'message_creation', message_creation: { message_id: message.id } });
    this.emit(run.id, 'thread.message.created', message);
    this.emit(run.id, 'thread.message.in_progress', message);
    for (const [index, part] of content.entries()) {
      if (part.type === 'image_file') this.emitMessageDelta(message, [{ index, type: 'image_file', image_file: part.image_file }]);
      if (part.type !== 'text') continue;
      // The message reads what was streamed so far (a GET mid-stream sees the text grow too).
      const shown: Extract<MessageContent, { type: 'text' }> = { type: 'text', text: { value: '', annotations: [] } };
      message.content = [...content.slice(0, index), shown];
      for (const [i, value] of chunks(part.text.value, pacing.chunkChars).entries()) {
        if (i > 0 && pacing.intervalMs > 0) {
          await this.clock.sleep(pacing.intervalMs);
          if (!live()) return;
        }
        shown.text.value += value;
        this.emitMessageDelta(message, [{ index, type: 'text', text: i === 0 ? { value, annotations: [] } : { value } }]);
      }
      if (part.text.annotations.length > 0) {
        this.emitMessageDelta(message, [{ index, type: 'text', text: { annotations: part.text.annotations.map((a, i) => ({ index: i, ...a })) } }]);
      }
    }
    message.content = content;
    const done = this.clock.nowSeconds();
    if (incomplete) {
      message.status = 'incomplete';
      message.incomplete_at = done;
      message.incomplete_details = { reason: 'max_tokens' };
      this.emit(run.id, 'thread.message.incomplete', message);
    } else {
      message.status = 'completed';
      message.completed_at = done;
      this.emit(run.id, 'thread.message.completed', message);
    }
    internal.promptTokens += prompt;
    internal.completionTokens += completion;
    this.completeStep(step, prompt, completion);
    if (incomplete) this.terminate(stored, 'incomplete', { incomplete_details: { reason: incomplete } });
    else this.terminate(stored, 'completed', { completed_at: done });
  }

  private failTool(stored: StoredRun, name: string): void {
    this.terminate(stored, 'failed', {
      failed_at: this.clock.nowSeconds(),
      last_error: { code: 'server_error', message: `The model called the tool '${name}', which is not enabled for this run.` },
    });
  }

  /** Ends the run: closes its open steps and messages the way the service does, then publishes the outcome. */
  private terminate(stored: StoredRun, status: TerminalStatus, patch: Partial<Run>): void {
    const { run, internal } = stored;
    const now = this.clock.nowSeconds();
    Object.assign(run, { status, required_action: null, usage: usageOf(internal.promptTokens, internal.completionTokens) }, patch);
    if (status !== 'expired') run.expires_at = null;
    internal.generation++;
    internal.terminalAtMs = this.clock.nowMs();
    delete internal.pendingStepUsage;
    this.expiryTimers.get(run.id)?.();
    this.expiryTimers.delete(run.id);
    for (const step of this.steps(run.id)) {
      if (step.status !== 'in_progress') continue;
      if (status === 'failed') {
        step.status = 'failed';
        step.failed_at = now;
        step.last_error = { code: run.last_error?.code === 'rate_limit_exceeded' ? 'rate_limit_exceeded' : 'server_error', message: run.last_error?.message ?? '' };
      } else if (status === 'cancelled') {
        step.status = 'cancelled';
        step.cancelled_at = now;
      } else if (status === 'expired') {
        step.status = 'expired';
        step.expired_at = now;
      } else continue;
      this.emit(run.id, `thread.run.step.${step.status}`, step);
    }
    const reason = ({ failed: 'run_failed', cancelled: 'run_cancelled', expired: 'run_expired' } as const)[status as 'failed' | 'cancelled' | 'expired'];
    for (const message of this.store.state.threadMessages(run.thread_id).values()) {
      if (message.run_id !== run.id || message.status !== 'in_progress' || !reason) continue;
      message.status = 'incomplete';
      message.incomplete_at = now;
      message.incomplete_details = { reason };
      this.emit(run.id, 'thread.message.incomplete', message);
    }
    this.emitRun(stored, `thread.run.${status}`);
    this.finishStream(run.id);
    this.store.changed();
  }

  // ---- steps, context, events ----

  private newStep(stored: StoredRun, type: RunStep['type'], details: RunStep['step_details']): RunStep {
    const { run } = stored;
    const step: RunStep = {
      id: newId.step(),
      object: 'thread.run.step',
      created_at: this.clock.nowSeconds(),
      run_id: run.id,
      assistant_id: run.assistant_id,
      thread_id: run.thread_id,
      type,
      status: 'in_progress',
      cancelled_at: null,
      completed_at: null,
      expired_at: null,
      failed_at: null,
      last_error: null,
      step_details: details,
      usage: null,
      metadata: {},
    };
    this.store.state.runSteps(run.id).set(step.id, step);
    this.emit(run.id, 'thread.run.step.created', step);
    this.emit(run.id, 'thread.run.step.in_progress', step);
    return step;
  }

  private completeStep(step: RunStep, prompt: number, completion: number): void {
    step.status = 'completed';
    step.completed_at = this.clock.nowSeconds();
    step.usage = usageOf(prompt, completion);
    this.emit(step.run_id, 'thread.run.step.completed', step);
  }

  private steps(runId: string): RunStep[] {
    return [...this.store.state.runSteps(runId).values()];
  }

  /** A run whose thread was deleted stops being worked on. */
  private isLive(stored: StoredRun): boolean {
    return this.store.state.runs.get(stored.run.thread_id)?.get(stored.run.id) === stored;
  }

  private async outputFile(filename: string, base64: string) {
    return addFile(this.store, this.clock, { filename, purpose: 'assistants_output', content: Buffer.from(base64, 'base64') });
  }

  private emitRun(stored: StoredRun, event: string): void {
    this.emit(stored.run.id, event, stored.run);
  }

  private emitStepDelta(step: RunStep, toolCalls: unknown[]): void {
    this.emit(step.run_id, 'thread.run.step.delta', { id: step.id, object: 'thread.run.step.delta', delta: { step_details: { type: 'tool_calls', tool_calls: toolCalls } } });
  }

  private emitMessageDelta(message: Message, content: unknown[]): void {
    this.emit(message.run_id ?? '', 'thread.message.delta', { id: message.id, object: 'thread.message.delta', delta: { content } });
  }

  /** Listeners get a snapshot: the objects keep changing after the event. */
  private emit(runId: string, event: string, data: unknown): void {
    const set = this.listeners.get(runId);
    if (!set || set.size === 0) return;
    const snapshot = structuredClone(data);
    for (const listener of set) listener({ event, data: snapshot });
  }

  private finishStream(runId: string): void {
    const set = this.listeners.get(runId);
    this.listeners.delete(runId);
    for (const listener of set ?? []) listener(DONE);
  }
}

/** Splits text into pieces of about `size` characters, on word boundaries when it can. */
export function chunks(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const out: string[] = [];
  let current = '';
  for (const word of text.match(/\s*\S+\s*/g) ?? [text]) {
    if (current && current.length + word.length > size) {
      out.push(current);
      current = '';
    }
    current += word;
  }
  if (current) out.push(current);
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
