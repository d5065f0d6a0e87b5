// The Responses lifecycle. A response runs on the server's own timers (the controllable clock):
// background responses wait `queued`, then go `in_progress`; the model takes turns (each spending its
// delay_ms) until one ends the response: function calls or a reply complete it, a failure fails it,
// max_output_tokens or an incomplete turn make it `incomplete`. Every change is recorded as the event
// the service streams (with increasing sequence_number), so streams can be resumed from any point.
import type { Clock } from './clock';
import { EventChannel, END } from './events';
import { chunks } from './run-engine';
import { estimateTokens } from './usage';
import { invalidRequest } from '../http/errors';
import type { Services } from '../http/context';
import type { Model, ToolChoice, TurnContext } from '../model/model';
import { transcriptText } from '../model/model';
import type { Turn } from '../model/turns';
import { addContainerFile, touchContainer } from '../resources/containers/records';
import { transcriptOf } from '../resources/responses/items';
import { searchStores } from '../resources/vector-stores/search';
import { newId } from '../store/ids';
import type { ResponseEventRecord, StoredResponse } from '../store/state';
import type { Store } from '../store/store';
import type { Response, ResponseItem, ResponseOutputItem, ResponseOutputMessage, ResponseOutputText } from '../store/wire-types';

const QUEUE_DELAY_MS = 20;
/** The local model's context window, in (estimated) tokens. */
export const CONTEXT_WINDOW_TOKENS = 128_000;

type Listener = (event: ResponseEventRecord | null) => void;
type Annotation = ResponseOutputText['annotations'][number];

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
        const context = this.turnContext(stored);
        stored.internal.inputTokens += estimateTokens(transcriptText(context));
        stored.internal.answeredCallIds = [];
        const turn = await this.model.nextTurn(context);
        if (!live()) return;
        if (turn.delayMs > 0) {
          await this.clock.sleep(turn.delayMs);
          if (!live()) return;
        }
        const more = this.apply(stored, turn, context);
        if (!more || !live()) return;
      }
    } catch (error) {
      if (live()) this.fail(stored, 'server_error', error instanceof Error ? error.message : String(error));
    }
  }

  /** Applies one turn; true when the model should take another. */
  private apply(stored: StoredResponse, turn: Turn, context: TurnContext): boolean {
    switch (turn.kind) {
      case 'fail':
        this.fail(stored, turn.code, turn.message);
        return false;
      case 'tool_calls':
        this.functionCalls(stored, turn.calls, context);
        return false;
      case 'incomplete':
        if (turn.text !== undefined) this.message(stored, turn.text, 'incomplete');
        this.finish(stored, 'incomplete');
        return false;
      case 'code_interpreter':
        if (!stored.internal.containerId) return this.toolMissing(stored, 'code_interpreter');
        this.codeInterpreter(stored, turn);
        return true;
      case 'file_search':
        if (!stored.response.tools.some((t) => t.type === 'file_search')) return this.toolMissing(stored, 'file_search');
        this.fileSearch(stored, turn.queries);
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
        if (turn.imagePngBase64) this.pendingImage(stored, turn.imagePngBase64);
        const complete = this.message(stored, turn.text, 'completed', annotations);
        this.finish(stored, complete ? 'completed' : 'incomplete');
        return false;
      }
    }
  }

  private toolMissing(stored: StoredResponse, name: string): false {
    this.fail(stored, 'server_error', `The model called the tool '${name}', which is not enabled for this response.`);
    return false;
  }

  private functionCalls(stored: StoredResponse, requested: { name: string; arguments: string }[], context: TurnContext): void {
    const names = new Set(context.functions.map((f) => f.name));
    const unknown = requested.find((c) => !names.has(c.name));
    if (unknown) return void this.toolMissing(stored, unknown.name);
    for (const call of context.parallelToolCalls ? requested : requested.slice(0, 1)) {
      const item: ResponseOutputItem = { id: newId.functionCallItem(), type: 'function_call', status: 'in_progress', arguments: '', call_id: newId.toolCall(), name: call.name };
      const outputIndex = this.addItem(stored, item);
      for (const delta of chunks(call.arguments, 16)) {
        item.arguments += delta;
        this.emit(stored, 'response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta });
      }
      item.arguments = call.arguments;
      this.emit(stored, 'response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: call.name, arguments: call.arguments });
      item.status = 'completed';
      this.emit(stored, 'response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
      stored.internal.outputTokens += estimateTokens(call.name + call.arguments);
    }
    this.finish(stored, 'completed');
  }

  private codeInterpreter(stored: StoredResponse, turn: Extract<Turn, { kind: 'code_interpreter' }>): void {
    const { internal } = stored;
    const containerId = internal.containerId!;
    touchContainer(this.services(), containerId);
    const item: Extract<ResponseOutputItem, { type: 'code_interpreter_call' }> = {
      id: newId.codeInterpreterItem(),
      type: 'code_interpreter_call',
      status: 'in_progress',
      code: '',
      outputs: null,
      container_id: containerId,
    };
    const outputIndex = this.addItem(stored, item);
    const ids = { output_index: outputIndex, item_id: item.id };
    this.emit(stored, 'response.code_interpreter_call.in_progress', ids);
    for (const delta of chunks(turn.input, 24)) {
      item.code = (item.code ?? '') + delta;
      this.emit(stored, 'response.code_interpreter_call_code.delta', { ...ids, delta });
    }
    item.code = turn.input;
    this.emit(stored, 'response.code_interpreter_call_code.done', { ...ids, code: turn.input });
    item.status = 'interpreting';
    this.emit(stored, 'response.code_interpreter_call.interpreting', ids);
    const outputs: NonNullable<typeof item.outputs> = [];
    if (turn.logs !== undefined) outputs.push({ type: 'logs', logs: turn.logs });
    if (turn.imagePngBase64) {
      this.pendingImage(stored, turn.imagePngBase64);
      outputs.push({ type: 'image', url: `data:image/png;base64,${turn.imagePngBase64}` });
    }
    item.status = 'completed';
    item.outputs = internal.include.includes('code_interpreter_call.outputs') ? outputs : null;
    this.emit(stored, 'response.code_interpreter_call.completed', ids);
    this.emit(stored, 'response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
    internal.outputTokens += estimateTokens(turn.input);
    this.store.changed();
  }

  /** An image code interpreter made: a container file the next message cites. */
  private pendingImage(stored: StoredResponse, base64: string): void {
    const containerId = stored.internal.containerId!;
    const file = addContainerFile(this.services(), containerId, { filename: `${newId.containerFile()}.png`, content: Buffer.from(base64, 'base64'), source: 'assistant' });
    stored.internal.pendingCitations.push({ containerId, fileId: file.id, filename: file.path.split('/').at(-1)! });
  }

  private fileSearch(stored: StoredResponse, queries: string[]): void {
    const { response, internal } = stored;
    const tool = response.tools.find((t) => t.type === 'file_search')!;
    const item: Extract<ResponseOutputItem, { type: 'file_search_call' }> = { id: newId.fileSearchItem(), type: 'file_search_call', status: 'in_progress', queries: [], results: null };
    const outputIndex = this.addItem(stored, item);
    const ids = { output_index: outputIndex, item_id: item.id };
    this.emit(stored, 'response.file_search_call.in_progress', ids);
    item.status = 'searching';
    item.queries = queries;
    this.emit(stored, 'response.file_search_call.searching', ids);
    const hits = searchStores(this.store.state, tool.vector_store_ids, queries, {
      maxResults: tool.max_num_results ?? 10,
      scoreThreshold: tool.ranking_options?.score_threshold ?? 0,
      filters: (tool.filters as never) ?? null,
    });
    for (const hit of hits) {
      if (!internal.pendingFileCitations.some((c) => c.fileId === hit.file_id)) internal.pendingFileCitations.push({ fileId: hit.file_id, filename: hit.filename });
    }
    item.status = 'completed';
    item.results = internal.include.includes('file_search_call.results')
      ? hits.map((h) => ({ file_id: h.file_id, filename: h.filename, score: h.score, text: h.content.map((c) => c.text).join('\n'), attributes: h.attributes }))
      : null;
    this.emit(stored, 'response.file_search_call.completed', ids);
    this.emit(stored, 'response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
    internal.outputTokens += estimateTokens(queries.join(' '));
    this.store.changed();
  }

  /** Streams an assistant message; false when max_output_tokens cut it short. */
  private message(stored: StoredResponse, fullText: string, status: 'completed' | 'incomplete', annotations: Annotation[] = []): boolean {
    const { response, internal } = stored;
    let text = fullText;
    let complete = status === 'completed';
    const budget = response.max_output_tokens == null ? Infinity : response.max_output_tokens - internal.outputTokens;
    if (estimateTokens(text) > budget) {
      text = text.slice(0, Math.max(0, budget) * 4);
      complete = false;
    }
    const cited: Annotation[] = annotations.filter((a) => !('end_index' in a) || a.end_index <= text.length);
    for (const c of internal.pendingCitations.splice(0)) {
      cited.push({ type: 'container_file_citation', container_id: c.containerId, file_id: c.fileId, filename: c.filename, start_index: text.length, end_index: text.length });
    }
    for (const c of internal.pendingFileCitations.splice(0)) cited.push({ type: 'file_citation', file_id: c.fileId, filename: c.filename, index: text.length });
    const item: ResponseOutputMessage = { id: newId.messageItem(), type: 'message', status: 'in_progress', content: [], role: 'assistant' };
    const outputIndex = this.addItem(stored, item);
    const ids = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    const part: ResponseOutputText = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    item.content.push(part);
    this.emit(stored, 'response.content_part.added', { ...ids, part: structuredClone(part) });
    for (const delta of chunks(text, 24)) {
      if (!delta) continue;
      part.text += delta;
      this.emit(stored, 'response.output_text.delta', { ...ids, delta, logprobs: [] });
    }
    part.text = text;
    cited.forEach((annotation, index) => {
      part.annotations.push(annotation);
      this.emit(stored, 'response.output_text.annotation.added', { ...ids, annotation_index: index, annotation });
    });
    this.emit(stored, 'response.output_text.done', { ...ids, text, logprobs: [] });
    this.emit(stored, 'response.content_part.done', { ...ids, part: structuredClone(part) });
    item.status = complete ? 'completed' : 'incomplete';
    this.emit(stored, 'response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
    internal.outputTokens += estimateTokens(text);
    return complete;
  }

  private addItem(stored: StoredResponse, item: ResponseOutputItem): number {
    stored.response.output.push(item);
    const outputIndex = stored.response.output.length - 1;
    this.emit(stored, 'response.output_item.added', { output_index: outputIndex, item: structuredClone(item) });
    return outputIndex;
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

  /** Items the model reads: the conversation (or the previous_response_id chain), this input, this output so far. */
  private turnContext(stored: StoredResponse): TurnContext {
    const { response, internal } = stored;
    const items = contextItems(this.store.state.responses, this.store.state.itemsOf.bind(this.store.state), stored);
    let transcript = transcriptOf(items);
    if (response.truncation === 'auto') {
      while (transcript.length > 1 && estimateTokens(transcriptText({ instructions: instructionsText(response), transcript })) > CONTEXT_WINDOW_TOKENS) transcript = transcript.slice(1);
    }
    const answered = new Set(internal.answeredCallIds);
    const justAnswered = transcript.flatMap((e) => (e.kind === 'calls' ? e.calls.filter((c) => answered.has(c.callId) && c.output !== null) : []));
    return {
      model: response.model,
      instructions: instructionsText(response),
      functions: response.tools.flatMap((t) => (t.type === 'function' ? [{ name: t.name, description: t.description, parameters: t.parameters }] : [])),
      builtins: response.tools.flatMap((t) => (t.type === 'code_interpreter' || t.type === 'file_search' ? [t.type] : [])),
      toolChoice: toolChoiceOf(response),
      parallelToolCalls: response.parallel_tool_calls,
      temperature: response.temperature,
      transcript,
      justAnswered,
      scope: { conversationId: response.conversation?.id },
    };
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

/** Items before and of a response, for the model: conversation items, or the previous_response_id chain plus this input. */
export function contextItems(
  responses: Map<string, StoredResponse>,
  itemsOf: (conversationId: string) => Map<string, ResponseItem | object>,
  stored: StoredResponse,
): ResponseItem[] {
  const { response } = stored;
  const conversationId = response.conversation?.id;
  if (conversationId) {
    const inConversation = [...itemsOf(conversationId).values()] as ResponseItem[];
    const seen = new Set(inConversation.map((i) => i.id));
    return [...inConversation, ...(response.output as ResponseItem[]).filter((i) => !seen.has(i.id))];
  }
  return [...chainItems(responses, response.previous_response_id ?? null), ...stored.inputItems, ...(response.output as ResponseItem[])];
}

/** Input and output items of a previous_response_id chain, oldest first. */
export function chainItems(responses: Map<string, StoredResponse>, id: string | null): ResponseItem[] {
  const out: ResponseItem[][] = [];
  for (let at = id; at; ) {
    const prev = responses.get(at);
    if (!prev) break;
    out.unshift([...prev.inputItems, ...(prev.response.output as ResponseItem[])]);
    at = prev.response.previous_response_id ?? null;
  }
  return out.flat();
}

function instructionsText(response: Response): string | null {
  return typeof response.instructions === 'string' ? response.instructions : null;
}

function toolChoiceOf(response: Response): ToolChoice {
  const choice = response.tool_choice;
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { function: choice.name };
  if (choice.type === 'code_interpreter' || choice.type === 'file_search') return { builtin: choice.type };
  return 'auto';
}

function isTerminal(response: Response): boolean {
  return response.status !== 'queued' && response.status !== 'in_progress';
}

function snapshot(response: Response): Response {
  return structuredClone(response);
}
