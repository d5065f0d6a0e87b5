// Items of the Responses protocol: request input becomes stored items with ids, and items become the
// model's transcript (messages, function calls with their outputs).
import type OpenAI from 'openai';
import { invalidRequest } from '../../http/errors';
import type { CallRecord, TranscriptEntry } from '../../model/model';
import { newId } from '../../store/ids';
import type { ResponseItem } from '../../store/wire-types';
import type { InputItemBody } from './validation';

type MessageContent = OpenAI.Responses.ResponseInputMessageContentList;

/** One input item in its stored form (ids assigned; string content becomes an input_text part). */
export function toItem(input: InputItemBody, resolveReference: (id: string) => ResponseItem | undefined): ResponseItem {
  if (input.type === 'item_reference') {
    const found = resolveReference(input.id);
    if (!found) throw invalidRequest(`Item with id '${input.id}' not found.`, 'input', 'invalid_value');
    return found;
  }
  if (input.type === 'function_call') {
    return { id: input.id ?? newId.functionCallItem(), type: 'function_call', call_id: input.call_id, name: input.name, arguments: input.arguments, status: input.status ?? 'completed' };
  }
  if (input.type === 'function_call_output') {
    return { id: input.id ?? newId.functionCallOutputItem(), type: 'function_call_output', call_id: input.call_id, output: input.output as string, status: input.status ?? 'completed' };
  }
  if (input.role === 'assistant') {
    const text = typeof input.content === 'string' ? input.content : input.content.map((p) => ('text' in p ? p.text : '')).join('');
    return {
      id: input.id ?? newId.messageItem(),
      type: 'message',
      role: 'assistant',
      status: input.status ?? 'completed',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    };
  }
  const content: MessageContent =
    typeof input.content === 'string'
      ? [{ type: 'input_text', text: input.content }]
      : input.content.map((p) => {
          if (p.type === 'input_image') return { type: 'input_image', detail: p.detail, file_id: p.file_id ?? null, image_url: p.image_url ?? null };
          if (p.type === 'input_file') return { type: 'input_file', ...(p.file_id ? { file_id: p.file_id } : {}), ...(p.filename ? { filename: p.filename } : {}), ...(p.file_url ? { file_url: p.file_url } : {}) };
          return { type: 'input_text', text: 'text' in p ? p.text : 'refusal' in p ? p.refusal : '' };
        });
  return { id: input.id ?? newId.messageItem(), type: 'message', role: input.role, status: input.status ?? 'completed', content };
}

/** Text of a message item's text parts. */
export function itemText(item: ResponseItem): string {
  if (item.type !== 'message') return '';
  return item.content.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('\n');
}

/** The transcript the model reads from items, oldest first; function outputs attach to their calls. */
export function transcriptOf(items: readonly ResponseItem[]): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  const calls = new Map<string, CallRecord>();
  for (const item of items) {
    if (item.type === 'message') {
      out.push({ kind: 'text', role: item.role === 'assistant' ? 'assistant' : item.role, text: itemText(item) });
    } else if (item.type === 'function_call') {
      const record: CallRecord = { callId: item.call_id, name: item.name, arguments: item.arguments, output: null };
      calls.set(item.call_id, record);
      const last = out.at(-1);
      if (last?.kind === 'calls' && last.calls.every((c) => c.output === null)) last.calls.push(record);
      else out.push({ kind: 'calls', calls: [record] });
    } else if (item.type === 'function_call_output') {
      const record = calls.get(item.call_id);
      if (record) record.output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
    }
  }
  return out;
}

/** Function calls in `items` with no output among them. */
export function unansweredCalls(items: readonly ResponseItem[]): string[] {
  const answered = new Set(items.flatMap((i) => (i.type === 'function_call_output' ? [i.call_id] : [])));
  return items.flatMap((i) => (i.type === 'function_call' && !answered.has(i.call_id) ? [i.call_id] : []));
}
