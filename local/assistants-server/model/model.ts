// The pluggable model behind both protocols (Assistants runs and Responses) and chat completions.
// Each protocol front-end turns its state into the same protocol-neutral TurnContext, so the scripted
// model and the chat-completions bridge drive both protocols the same way.
import type { ChatCompletion, Message } from '../store/wire-types';
import type { Turn } from './turns';

/** One function tool the model may call. */
export interface FunctionSpec {
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
}

/** A function call the model made earlier in this turn sequence, with its output once it arrived. */
export interface CallRecord {
  callId: string;
  name: string;
  arguments: string;
  output: string | null;
}

/** The conversation as the model reads it, oldest first. */
export type TranscriptEntry = { kind: 'text'; role: 'user' | 'assistant' | 'system' | 'developer'; text: string } | { kind: 'calls'; calls: CallRecord[] };

/** Where scripted turns may be queued for this turn: the most specific queue with turns wins. */
export interface ScriptScope {
  threadId?: string;
  assistantId?: string;
  conversationId?: string;
}

/** How the model must choose tools: `none`, `auto`, `required`, or one named function. */
export type ToolChoice = 'none' | 'auto' | 'required' | { function: string } | { builtin: 'code_interpreter' | 'file_search' };

/** What the model sees when it takes a turn, whichever protocol asked. */
export interface TurnContext {
  model: string;
  instructions: string | null;
  functions: FunctionSpec[];
  /** Built-in tools enabled for this turn. */
  builtins: ('code_interpreter' | 'file_search')[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  temperature: number | null;
  transcript: TranscriptEntry[];
  /** Function calls answered right before this turn (their outputs arrived since the model last spoke). */
  justAnswered: CallRecord[];
  scope: ScriptScope;
}

/** A chat completions request body as received (already validated). */
export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string; name?: string }[];
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }[];
  [key: string]: unknown;
}

export interface Model {
  nextTurn(context: TurnContext): Promise<Turn>;
  complete(request: ChatRequest): Promise<{ completion: ChatCompletion; delayMs: number }>;
}

/** Text of an Assistants message's text parts, joined. */
export function messageText(message: Message): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : ''))
    .filter(Boolean)
    .join('\n');
}

/** The last user text of the transcript ('' when there is none). */
export function lastUserText(transcript: TranscriptEntry[]): string {
  for (let i = transcript.length - 1; i >= 0; i--) {
    const entry = transcript[i]!;
    if (entry.kind === 'text' && entry.role === 'user') return entry.text;
  }
  return '';
}

/** Characters the model reads (for token estimates): instructions, texts, call arguments and outputs. */
export function transcriptText(context: Pick<TurnContext, 'instructions' | 'transcript'>): string {
  const parts = context.transcript.map((e) => (e.kind === 'text' ? e.text : e.calls.map((c) => c.arguments + (c.output ?? '')).join('')));
  return (context.instructions ?? '') + parts.join('');
}
