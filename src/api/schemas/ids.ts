// The one source of truth for identifier shapes. They accept the local Assistants server's,
// OpenAI's and Azure's real ids: threads/runs/messages/steps/tool calls are `<prefix>_<alnum>`,
// files are `file-…` (OpenAI, local) or `assistant-…` (Azure OpenAI / Foundry).
import { z } from 'zod';

export const ID_PATTERNS = {
  thread: /^thread_[A-Za-z0-9]{1,64}$/,
  run: /^run_[A-Za-z0-9]{1,64}$/,
  message: /^msg_[A-Za-z0-9]{1,64}$/,
  step: /^step_[A-Za-z0-9]{1,64}$/,
  toolCall: /^call_[A-Za-z0-9]{1,64}$/,
  file: /^(file|assistant)-[A-Za-z0-9_-]{1,64}$/,
  /** Assistant keys name the files in assistants/; `auto` lets the router choose. */
  assistantKey: /^[a-z0-9][a-z0-9-]{0,63}$/,
  /** Opaque pagination cursors and SSE event ids (ledger sequence numbers or upstream ids). */
  cursor: /^[A-Za-z0-9_.:-]{1,128}$/,
} as const;

export type IdKind = keyof typeof ID_PATTERNS;

const EXAMPLES: Record<IdKind, string> = {
  thread: 'thread_abc123',
  run: 'run_abc123',
  message: 'msg_abc123',
  step: 'step_abc123',
  toolCall: 'call_abc123',
  file: 'file-abc123',
  assistantKey: 'default',
  cursor: 'msg_abc123',
};

/** A string schema for one id kind; its message names the expected shape rather than echoing the regex. */
export function idSchema(kind: IdKind, description?: string) {
  return z
    .string()
    .regex(ID_PATTERNS[kind], `must look like ${EXAMPLES[kind]} (pattern ${ID_PATTERNS[kind].source})`)
    .meta({ example: EXAMPLES[kind], ...(description ? { description } : {}) });
}

export const ThreadId = idSchema('thread', 'Thread id.');
export const RunId = idSchema('run', 'Run id.');
export const MessageId = idSchema('message', 'Message id.');
export const StepId = idSchema('step', 'Run step id.');
export const ToolCallId = idSchema('toolCall', 'Tool call id.');
export const FileId = idSchema('file', 'File id (OpenAI/local `file-…`, Azure `assistant-…`).');
export const AssistantKey = idSchema('assistantKey', 'Assistant key (a file in assistants/), or `auto` to let the router choose.');
export const Cursor = idSchema('cursor', 'Opaque cursor: the `last_id` of the previous page.');
