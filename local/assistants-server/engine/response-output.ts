// The items a response's output is made of, written as the service streams them: messages (text deltas,
// annotations), function calls (argument deltas), code interpreter calls (code deltas, outputs, container
// files) and file search calls (ranked results). The engine decides which; these write them.
import { chunks } from './run-engine';
import { estimateTokens } from './usage';
import type { Services } from '../http/context';
import { UNPACED, type Pacing, type Turn } from '../model/turns';
import { addContainerFile, touchContainer } from '../resources/containers/records';
import { searchStores } from '../resources/vector-stores/search';
import { newId } from '../store/ids';
import type { StoredResponse } from '../store/state';
import type { ResponseOutputItem, ResponseOutputMessage, ResponseOutputText } from '../store/wire-types';

export type Annotation = ResponseOutputText['annotations'][number];

/** Where output goes: the response being written, its event stream and the services (containers, stores). */
export interface Sink {
  stored: StoredResponse;
  emit(type: string, payload: Record<string, unknown>): void;
  services: Services;
}

/** Writes the model's function calls as function_call items (one when parallel calls are off). */
export function writeFunctionCalls(sink: Sink, requested: { name: string; arguments: string }[], parallel: boolean): void {
  for (const call of parallel ? requested : requested.slice(0, 1)) {
    const item: ResponseOutputItem = { id: newId.functionCallItem(), type: 'function_call', status: 'in_progress', arguments: '', call_id: newId.toolCall(), name: call.name };
    const outputIndex = addItem(sink, item);
    for (const delta of chunks(call.arguments, 16)) {
      item.arguments += delta;
      sink.emit('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta });
    }
    item.arguments = call.arguments;
    sink.emit('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: call.name, arguments: call.arguments });
    item.status = 'completed';
    sink.emit('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
    sink.stored.internal.outputTokens += estimateTokens(call.name + call.arguments);
  }
}

export function writeCodeInterpreter(sink: Sink, turn: Extract<Turn, { kind: 'code_interpreter' }>): void {
  const { internal } = sink.stored;
  const containerId = internal.containerId!;
  touchContainer(sink.services, containerId);
  const item: Extract<ResponseOutputItem, { type: 'code_interpreter_call' }> = {
    id: newId.codeInterpreterItem(),
    type: 'code_interpreter_call',
    status: 'in_progress',
    code: '',
    outputs: null,
    container_id: containerId,
  };
  const outputIndex = addItem(sink, item);
  const ids = { output_index: outputIndex, item_id: item.id };
  sink.emit('response.code_interpreter_call.in_progress', ids);
  for (const delta of chunks(turn.input, 24)) {
    item.code = (item.code ?? '') + delta;
    sink.emit('response.code_interpreter_call_code.delta', { ...ids, delta });
  }
  item.code = turn.input;
  sink.emit('response.code_interpreter_call_code.done', { ...ids, code: turn.input });
  item.status = 'interpreting';
  sink.emit('response.code_interpreter_call.interpreting', ids);
  const outputs: NonNullable<typeof item.outputs> = [];
  if (turn.logs !== undefined) outputs.push({ type: 'logs', logs: turn.logs });
  if (turn.imagePngBase64) {
    addPendingImage(sink, turn.imagePngBase64);
    outputs.push({ type: 'image', url: `data:image/png;base64,${turn.imagePngBase64}` });
  }
  item.status = 'completed';
  item.outputs = internal.include.includes('code_interpreter_call.outputs') ? outputs : null;
  sink.emit('response.code_interpreter_call.completed', ids);
  sink.emit('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
  internal.outputTokens += estimateTokens(turn.input);
  sink.services.store.changed();
}

/** An image code interpreter made: a container file the next message cites. */
export function addPendingImage(sink: Sink, base64: string): void {
  const containerId = sink.stored.internal.containerId!;
  const file = addContainerFile(sink.services, containerId, { filename: `${newId.containerFile()}.png`, content: Buffer.from(base64, 'base64'), source: 'assistant' });
  sink.stored.internal.pendingCitations.push({ containerId, fileId: file.id, filename: file.path.split('/').at(-1)! });
}

export function writeFileSearch(sink: Sink, queries: string[]): void {
  const { response, internal } = sink.stored;
  const tool = response.tools.find((t) => t.type === 'file_search')!;
  const item: Extract<ResponseOutputItem, { type: 'file_search_call' }> = { id: newId.fileSearchItem(), type: 'file_search_call', status: 'in_progress', queries: [], results: null };
  const outputIndex = addItem(sink, item);
  const ids = { output_index: outputIndex, item_id: item.id };
  sink.emit('response.file_search_call.in_progress', ids);
  item.status = 'searching';
  item.queries = queries;
  sink.emit('response.file_search_call.searching', ids);
  const hits = searchStores(sink.services.store.state, tool.vector_store_ids, queries, {
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
  sink.emit('response.file_search_call.completed', ids);
  sink.emit('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
  internal.outputTokens += estimateTokens(queries.join(' '));
  sink.services.store.changed();
}

/** How a paced message waits between deltas, and whether the response is still worked on after a wait. */
export interface Pace {
  pacing?: Pacing;
  sleep(ms: number): Promise<void>;
  live(): boolean;
}

/**
 * Streams an assistant message; false when max_output_tokens cut it short, null when the response stopped
 * being worked on between paced deltas (cancelled or deleted: whoever stopped it has ended it).
 */
export async function writeMessage(sink: Sink, fullText: string, status: 'completed' | 'incomplete', pace: Pace, annotations: Annotation[] = []): Promise<boolean | null> {
  const pacing = pace.pacing ?? UNPACED;
  const { response, internal } = sink.stored;
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
  const outputIndex = addItem(sink, item);
  const ids = { item_id: item.id, output_index: outputIndex, content_index: 0 };
  const part: ResponseOutputText = { type: 'output_text', annotations: [], logprobs: [], text: '' };
  item.content.push(part);
  sink.emit('response.content_part.added', { ...ids, part: structuredClone(part) });
  for (const [i, delta] of chunks(text, pacing.chunkChars).entries()) {
    if (!delta) continue;
    if (i > 0 && pacing.intervalMs > 0) {
      await pace.sleep(pacing.intervalMs);
      if (!pace.live()) return null;
    }
    part.text += delta;
    sink.emit('response.output_text.delta', { ...ids, delta, logprobs: [] });
  }
  part.text = text;
  cited.forEach((annotation, index) => {
    part.annotations.push(annotation);
    sink.emit('response.output_text.annotation.added', { ...ids, annotation_index: index, annotation });
  });
  sink.emit('response.output_text.done', { ...ids, text, logprobs: [] });
  sink.emit('response.content_part.done', { ...ids, part: structuredClone(part) });
  item.status = complete ? 'completed' : 'incomplete';
  sink.emit('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) });
  internal.outputTokens += estimateTokens(text);
  return complete;
}

export function addItem(sink: Sink, item: ResponseOutputItem): number {
  sink.stored.response.output.push(item);
  const outputIndex = sink.stored.response.output.length - 1;
  sink.emit('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) });
  return outputIndex;
}
