// The Responses lifecycle. A response runs on the server's own timers (the controllable clock):
// background responses wait `queued`, then go `in_progress`; the model takes turns (each spending its
// delay_ms) until one ends the response: function calls or a reply complete it, a failure fails it,
// max_output_tokens or an incomplete turn make it `incomplete`. Every change is recorded as the event
// the service streams (with increasing sequence_number), so streams can be resumed from any point.
import type { Clock } from './clock';
import { EventChannel, END } from './events';
import { responseTurnContext } from './response-context';
import { addPendingImage, writeCodeInterpreter, writeFileSearch, writeFunctionCalls, writeMessage, type Annotation, type Pace, type Sink } from './response-output';
import { estimateTokens } from './usage';
import { invalidRequest } from '../http/errors';
import type { Services } from '../http/context';
import type { Model, TurnContext } from '../model/model';
import { transcriptText } from '../model/model';
import type { Pacing, Turn } from '../model/turns';
import { addContainerFile } from '../resources/containers/records';
import type { ResponseEventRecord, StoredResponse } from '../store/state';
import type { Store } from '../store/store';
import type { Response } from '../store/wire-types';

const QUEUE_DELAY_MS = 20;

type Listener = (event: ResponseEventRecord | null) => void;

export class ResponseEngine {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly waiters = new Map<string, (() => void)[]>();
  /** store:false responses, kept only while they are worked on. */
  private readonly unstored = new Map<string, StoredResponse>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly model: Model,
    private readonly services: () => Services,
  ) {}

  /** Starts a prepared response (status queued for background, else in_progress). */
  start(stored: StoredResponse, keep: boolean): void {
    const { response } = stored;
    if (keep) this.store.state.responses.set(response.id, stored);
    else this.unstored.set(response.id, stored);
    this.emit(stored, 'response.created', { response: snapshot(response) });
    if (response.status === 'queued') {
      this.emit(stored, 'response.queued', { response: snapshot(response) });
      this.scheduleStart(stored);
    } else {
      this.emit(stored, 'response.in_progress', { response: snapshot(response) });
      void this.think(stored);
    }
    this.store.changed();
  }

  /** The response's events after `startingAfter` (all when null), then live ones until it ends. */
  stream(stored: StoredResponse, startingAfter: number | null): EventChannel {
    const channel = new EventChannel();
    for (const event of stored.internal.events) if (startingAfter === null || event.sequence_number > startingAfter) channel.push({ event: event.type, data: event });
    if (isTerminal(stored.response)) {
      channel.push(END);
      return channel;
    }
    this.listen(stored.response.id, (event) => channel.push(event ? { event: event.type, data: event } : END));
    return channel;
  }

  /** Resolves once the response has ended. */
  settled(stored: StoredResponse): Promise<void> {
    if (isTerminal(stored.response)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(stored.response.id) ?? [];
      list.push(resolve);
      this.waiters.set(stored.response.id, list);
    });
  }

  /** Only background responses can be cancelled; cancelling an ended one returns it unchanged. */
  cancel(stored: StoredResponse): Response {
    const { response, internal } = stored;
    if (!response.background) throw invalidRequest('Cannot cancel a synchronous response.');
    if (response.status !== 'queued' && response.status !== 'in_progress') return response;
    response.status = 'cancelled';
    internal.generation++;
    for (const item of response.output) if ('status' in item && item.status === 'in_progress') (item as { status: string }).status = 'incomplete';
    this.end(stored);
    return response;
  }

  /** A deleted response stops being worked on; whoever waits for it or streams it is let go. */
  forget(stored: StoredResponse): void {
    stored.internal.generation++;
    this.finishListeners(stored.response.id);
    for (const resolve of this.waiters.get(stored.response.id) ?? []) resolve();
    this.waiters.delete(stored.response.id);
  }

  /** Continues responses loaded from a snapshot. */
  resume(): void {
    for (const stored of this.store.state.responses.values()) {
      if (stored.response.status === 'queued') this.scheduleStart(stored);
      if (stored.response.status === 'in_progress') void this.think(stored);
    }
  }

  reset(): void {
    for (const id of [...this.listeners.keys()]) this.finishListeners(id);
    for (const list of this.waiters.values()) for (const resolve of list) resolve();
    this.waiters.clear();
    this.unstored.clear();
  }

  // ---- lifecycle ----

  private scheduleStart(stored: StoredResponse): void {
    const generation = stored.internal.generation;
    this.clock.after(QUEUE_DELAY_MS, () => {
      if (stored.internal.generation !== generation || stored.response.status !== 'queued' || !this.isLive(stored)) return;
      stored.response.status = 'in_progress';
      this.emit(stored, 'response.in_progress', { response: snapshot(stored.response) });
      this.store.changed();
      void this.think(stored);
    });
  }

  private async think(stored: StoredResponse): Promise<void> {
    const generation = stored.internal.generation;
    const live = () => stored.internal.generation === generation && stored.response.status === 'in_progress' && this.isLive(stored);
    try {
      for (;;) {
        const context = responseTurnContext(this.store.state, stored);
        stored.internal.inputTokens += estimateTokens(transcriptText(context));
        stored.internal.answeredCallIds = [];
        const turn = await this.model.nextTurn(context);
        if (!live()) return;
        if (turn.delayMs > 0) {
          await this.clock.sleep(turn.delayMs);
          if (!live()) return;
        }
        const more = await this.apply(stored, turn, context, live);
        if (!more || !live()) return;
      }
    } catch (error) {
      if (live()) this.fail(stored, 'server_error', error instanceof Error ? error.message : String(error));
    }
  }

  /** Applies one turn; true when the model should take another. */
  private async apply(stored: StoredResponse, turn: Turn, context: TurnContext, live: () => boolean): Promise<boolean> {
    const pace = (pacing?: Pacing): Pace => ({ pacing, live, sleep: (ms) => this.clock.sleep(ms) });
    switch (turn.kind) {
      case 'fail':
        this.fail(stored, turn.code, turn.message);
        return false;
      case 'tool_calls': {
        const names = new Set(context.functions.map((f) => f.name));
        const unknown = turn.calls.find((c) => !names.has(c.name));
        if (unknown) return this.toolMissing(stored, unknown.name);
        writeFunctionCalls(this.sink(stored), turn.calls, context.parallelToolCalls);
        this.finish(stored, 'completed');
        return false;
      }
      case 'incomplete':
        if (turn.text !== undefined && (await writeMessage(this.sink(stored), turn.text, 'incomplete', pace(turn.pacing))) === null) return false;
        this.finish(stored, 'incomplete');
        return false;
      case 'code_interpreter':
        if (!stored.internal.containerId) return this.toolMissing(stored, 'code_interpreter');
        writeCodeInterpreter(this.sink(stored), turn);
        return true;
      case 'file_search':
        if (!stored.response.tools.some((t) => t.type === 'file_search')) return this.toolMissing(stored, 'file_search');
        writeFileSearch(this.sink(stored), turn.queries);
        return true;
      case 'message': {
        const { internal } = stored;
        const files = turn.files ?? [];
        if ((files.length > 0 || turn.imagePngBase64) && !internal.containerId) return this.toolMissing(stored, 'code_interpreter');
        const annotations: Annotation[] = [];
        for (const spec of files) {
          const file = addContainerFile(this.services(), internal.containerId!, { filename: spec.filename, content: Buffer.from(spec.contentBase64, 'base64'), source: 'assistant' });
          const link = `sandbox:/mnt/data/${spec.filename}`;
          for (let at = turn.text.indexOf(link); at >= 0; at = turn.text.indexOf(link, at + link.length)) {
            annotations.push({ type: 'container_file_citation', container_id: internal.containerId!, file_id: file.id, filename: spec.filename, start_index: at, end_index: at + link.length });
          }
        }
        if (turn.imagePngBase64) addPendingImage(this.sink(stored), turn.imagePngBase64);
        const complete = await writeMessage(this.sink(stored), turn.text, 'completed', pace(turn.pacing), annotations);
        if (complete === null) return false;
        this.finish(stored, complete ? 'completed' : 'incomplete');
        return false;
      }
    }
  }

  private toolMissing(stored: StoredResponse, name: string): false {
    this.fail(stored, 'server_error', `The model called the tool '${name}', which is not enabled for this response.`);
    return false;
  }

  private fail(stored: StoredResponse, code: NonNullable<Response['error']>['code'], message: string): void {
    stored.response.error = { code, message };
    this.finish(stored, 'failed');
  }

  private finish(stored: StoredResponse, status: 'completed' | 'failed' | 'incomplete'): void {
    const { response, internal } = stored;
    response.status = status;
    if (status === 'completed') response.completed_at = this.clock.nowSeconds();
    if (status === 'incomplete') response.incomplete_details = { reason: 'max_output_tokens' };
    response.usage = {
      input_tokens: internal.inputTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: internal.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: internal.inputTokens + internal.outputTokens,
    };
    internal.generation++;
    this.emit(stored, `response.${status}`, { response: snapshot(response) });
    this.end(stored);
  }

  /** After the response ended: its output joins the conversation; streams end; waiters wake. */
  private end(stored: StoredResponse): void {
    const { response, internal } = stored;
    internal.terminalAtMs = this.clock.nowMs();
    const conversationId = response.conversation?.id;
    if (conversationId && this.store.state.conversations.has(conversationId)) {
      const items = this.store.state.itemsOf(conversationId);
      for (const item of response.output) items.set(item.id!, item as never);
    }
    this.finishListeners(response.id);
    for (const resolve of this.waiters.get(response.id) ?? []) resolve();
    this.waiters.delete(response.id);
    this.unstored.delete(response.id);
    this.store.changed();
  }

  // ---- context, events ----

  private sink(stored: StoredResponse): Sink {
    return { stored, emit: (type, payload) => this.emit(stored, type, payload), services: this.services() };
  }

  private isLive(stored: StoredResponse): boolean {
    const id = stored.response.id;
    return this.store.state.responses.get(id) === stored || this.unstored.get(id) === stored;
  }

  private listen(id: string, listener: Listener): void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
  }

  private finishListeners(id: string): void {
    const set = this.listeners.get(id);
    this.listeners.delete(id);
    for (const listener of set ?? []) listener(null);
  }

  private emit(stored: StoredResponse, type: string, payload: Record<string, unknown>): void {
    const event: ResponseEventRecord = { type, sequence_number: stored.internal.events.length, ...structuredClone(payload) };
    stored.internal.events.push(event);
    for (const listener of this.listeners.get(stored.response.id) ?? []) listener(event);
  }
}

function isTerminal(response: Response): boolean {
  return response.status !== 'queued' && response.status !== 'in_progress';
}

function snapshot(response: Response): Response {
  return structuredClone(response);
}
