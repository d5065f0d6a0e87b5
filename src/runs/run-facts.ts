// The facts about a run that every layer shares, defined once: its statuses, the events the worker
// writes (and the SSE stream and tests read), the metadata keys we tag upstream objects with, and the
// run queue's message. The API, the ledger, the worker and the tests import them from here.
import type { Message } from 'openai/resources/beta/threads/messages';
import type { RunStatus } from 'openai/resources/beta/threads/runs/runs';
import { z } from 'zod';

export type { RunStatus };

/** Every status of the Assistants run lifecycle. */
export const RUN_STATUSES = [
  'queued',
  'in_progress',
  'requires_action',
  'cancelling',
  'cancelled',
  'failed',
  'completed',
  'incomplete',
  'expired',
] as const satisfies readonly RunStatus[];

/** Statuses a run never leaves. */
export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'] as const satisfies readonly RunStatus[];
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

/** Statuses of a run still under way (the thread's one active run). */
export const ACTIVE_RUN_STATUSES = RUN_STATUSES.filter((status) => !isTerminal(status));

export function isTerminal(status: string): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** A status the worker acts on at once (tools to run, or the end); any other one is waited for. */
export function isDecisive(status: string): boolean {
  return status === 'requires_action' || isTerminal(status);
}

export interface RunError {
  code: string;
  message: string;
}

/** Who produces a tool call's output: a backend tool or the frontend. */
export type ToolOwner = 'server' | 'client';

/**
 * What the ledger records about a run as it goes, in order; the SSE stream sends each one as
 * `event: <type>` with `data` plus `at`. Shaped like openai-node's AssistantStreamEvent: a union
 * discriminated by its name.
 */
export type RunEvent =
  | { type: 'run.status'; data: { status: RunStatus; last_error: RunError | null } }
  | { type: 'run.tool_call'; data: { id: string; name: string; arguments: string; owner: ToolOwner } }
  | { type: 'run.tool_output'; data: { id: string; status: string; output?: string } }
  /** The run waits for the frontend: outputs of `tool_call_ids` (client tools), decisions on `approval_tool_call_ids` (POST …/tool_approvals). */
  | { type: 'run.requires_client_action'; data: { tool_call_ids: string[]; approval_tool_call_ids?: string[] } }
  /** A person approved or denied a server tool call. */
  | { type: 'run.tool_approval'; data: { id: string; decision: 'approved' | 'denied' } }
  /** Text the model wrote since the previous delta of the same message, coalesced (MESSAGE_DELTA_INTERVAL_MS). */
  | { type: 'message.delta'; data: { id: string; delta: string } }
  | { type: 'message.completed'; data: Pick<Message, 'id' | 'role' | 'content'> };

/**
 * Token deltas are written at most once per this interval per run: a frontend sees the reply grow about ten
 * times a second, and a long reply costs tens of ledger writes, not one per token.
 */
export const MESSAGE_DELTA_INTERVAL_MS = 100;

export type RunEventType = RunEvent['type'];
/** The last event of an SSE stream (not recorded: the stream adds it once the run has ended). */
export const STREAM_DONE_EVENT = 'done';

/** Metadata keys this backend writes upstream (the `app_` prefix is reserved for them). */
export const METADATA_KEYS = {
  /** Our run id, on the user message that started a run, the upstream run and a direct reply. */
  runId: 'app_run_id',
  /** This deployment's DEPLOYMENT_ID, on everything it creates upstream (cleanup touches only its own). */
  deployment: 'app_deployment',
  /** The assistant key a thread was created for. */
  assistant: 'app_assistant',
  /** Responses protocol: on a thread's vector store, the thread it was made for (cleanup finds orphans by it). */
  threadId: 'app_thread_id',
  /** On an assistant: the key of its definition in assistants/ (the sync's identity). */
  assistantKey: 'app_key',
  /** On an assistant: the content hash of the definition it was synced from. */
  definitionHash: 'app_hash',
} as const;
export const RESERVED_METADATA_PREFIX = 'app_';

/**
 * The run queue's message. `generation` numbers the chain of messages following one run: each
 * re-queue (or wake-up) starts a new generation, and a message older than the run's is a duplicate.
 */
export const runQueueMessageSchema = z.preprocess(
  // Messages queued before `attempt` was renamed `generation` still read.
  (value) => (value && typeof value === 'object' && !('generation' in value) && 'attempt' in value ? { ...value, generation: (value as { attempt: unknown }).attempt } : value),
  z.object({
    threadId: z.string().min(1),
    runId: z.string().min(1),
    generation: z.number().int().min(0),
    /**
     * W3C trace context of the span that queued the message (src/telemetry/): the delivery continues the run's
     * trace. Optional (older messages have none); a malformed value is ignored rather than poisoning the message.
     */
    traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/).optional().catch(undefined),
  }),
);
export type RunQueueMessage = z.output<typeof runQueueMessageSchema>;

/** The host hands a queue trigger JSON messages already parsed (strings otherwise). */
export function parseQueuedRunMessage(queued: unknown): RunQueueMessage {
  return runQueueMessageSchema.parse(typeof queued === 'string' ? JSON.parse(queued) : queued);
}
