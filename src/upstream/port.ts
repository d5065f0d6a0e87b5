// The upstream port: everything the app needs of the model service, in the app's own terms (threads,
// messages, runs, files), whatever protocol the service speaks. Two adapters implement it:
//   src/upstream/assistants/  the Assistants protocol (local server, Foundry classic)
//   src/upstream/responses/   the Responses + Conversations protocol (OpenAI, Azure OpenAI v1, Foundry, local server)
// The starter, the worker, the API, the sweep, health and the sync speak only this port; none of them
// branch on the protocol. A third protocol is one more folder implementing `Upstream`.
//
// Wire shapes: messages reach the frontend as the `openai` package's Assistants `Message` (the frontend
// API's message view is built from it), so the Responses adapter converts conversation items into it.
import type { Message, MessageCreateParams } from 'openai/resources/beta/threads/messages';
import type { UpstreamRuns } from '../runs/upstream-runs';

export type { UpstreamRuns };

export const UPSTREAM_PROTOCOLS = ['responses', 'assistants'] as const;
export type UpstreamProtocol = (typeof UPSTREAM_PROTOCOLS)[number];

export interface Upstream {
  readonly protocol: UpstreamProtocol;
  readonly threads: UpstreamThreads;
  /** Following runs (the worker's part): start, retrieve, submit tool outputs, cancel, run messages. */
  readonly runs: UpstreamRuns;
  readonly steps: UpstreamRunSteps;
  readonly files: UpstreamFiles;
  /** One cheap authenticated request: resolves when the service answers, rejects (SDK error) otherwise. */
  probe(signal: AbortSignal): Promise<void>;
}

/** A thread's upstream conversation. Thread ids are always ours to hand out as `thread_…` (the API's id shape). */
export interface UpstreamThreads {
  /**
   * Creates the upstream conversation of a new thread and returns the thread id to record.
   * Assistants: the upstream thread's id. Responses: a new `thread_…` id and the `conv_…` it is bound to, which the
   * caller records with the thread (ThreadRecord.conversationId); the adapter reads the binding back from the ledger.
   */
  create(input: { assistantKey: string }): Promise<{ threadId: string; conversationId?: string }>;
  /** Deletes the conversation and what the adapter made for it (thread vector store, container); gone counts as deleted. */
  delete(threadId: string): Promise<'deleted' | 'already_gone'>;
  /** Adds the user's message that starts run `runId`; its attachments become the thread's tool resources. */
  addUserMessage(threadId: string, message: UserMessage): Promise<{ messageId: string }>;
  /** Adds an assistant reply written outside a run (the copilot router's direct answer). */
  addAssistantMessage(threadId: string, message: { content: string; runId: string }): Promise<Message>;
  /**
   * One page of the thread's messages. Each comes with the id of OUR run it belongs to, when known:
   * the adapter attributes messages with `runs` (the thread's recent runs from the ledger).
   */
  listMessages(threadId: string, query: MessageQuery, runs: ThreadRunIndex): Promise<{ data: AttributedMessage[]; hasMore: boolean }>;
}

export interface UserMessage {
  content: string;
  attachments?: MessageCreateParams.Attachment[];
  /** Our run id under METADATA_KEYS.runId, plus the caller's metadata (where the protocol keeps message metadata). */
  metadata: Record<string, string>;
  runId: string;
}

export interface MessageQuery {
  limit: number;
  order: 'asc' | 'desc';
  /** The last message id of the previous page. */
  after?: string;
}

/** What the ledger knows of a thread's runs, for attributing messages to them. */
export interface ThreadRunIndex {
  /** Upstream run id (Assistants run, Responses response of the chain) → our run id. */
  byUpstreamRunId: ReadonlyMap<string, string>;
  /** The user message that started each run → our run id. */
  byUserMessageId: ReadonlyMap<string, string>;
}

export interface AttributedMessage {
  message: Message;
  /** Our run id, or null (e.g. a message from before the ledger's memory). */
  runId: string | null;
}

export interface UpstreamRunSteps {
  /** A run's steps, oldest first. Responses: the chain's output items (message, function_call, code_interpreter_call, file_search_call). */
  list(threadId: string, upstreamRunId: string, query: MessageQuery): Promise<{ data: RunStepSummary[]; hasMore: boolean }>;
}

export interface RunStepSummary {
  /** `step_…` (the API's step id shape; Responses item ids are mapped into it). */
  id: string;
  type: 'message_creation' | 'tool_calls';
  status: string;
  /** Epoch seconds. */
  created_at: number;
  completed_at: number | null;
  message_id: string | null;
  tool_calls: Array<{ id: string; type: string; name: string | null }>;
}

export interface UpstreamFiles {
  /** Uploads a user's file (for code interpreter and file search). */
  upload(file: { name: string; content: Blob; contentType: string }): Promise<{ fileId: string; bytes: number }>;
  /** Downloads a file; `location` is what the ledger recorded of where a generated file lives (Responses: its container). */
  content(fileId: string, location?: FileLocation): Promise<Response>;
  delete(fileId: string, location?: FileLocation): Promise<'deleted' | 'already_gone'>;
}

export interface FileLocation {
  /** A Responses container file: the container holding it (the file id is then the container file's). */
  containerId?: string;
}
