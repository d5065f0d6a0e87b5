// The pluggable model behind runs and chat completions.
import type { Assistant, ChatCompletion, Message, Run, RunStep, Thread } from '../store/wire-types';
import type { Turn } from './turns';

/** What the model sees when it takes a turn in a run. */
export interface TurnContext {
  run: Run;
  thread: Thread;
  assistant: Assistant | undefined;
  /** The thread's finished messages, oldest first. */
  messages: Message[];
  /** This run's steps so far, oldest first. */
  steps: RunStep[];
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

/** Text of a message's text parts, joined. */
export function messageText(message: Message): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : ''))
    .filter(Boolean)
    .join('\n');
}
