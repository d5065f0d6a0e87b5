// What the run worker needs from the upstream service, in the worker's own terms: protocol-neutral
// run states and message updates. src/upstream/assistants/runs.ts is the adapter over the Assistants
// protocol; another protocol slots in as a second adapter of the same port, and the worker does not change.
import type { Message } from 'openai/resources/beta/threads/messages';
import type { RunUsage } from '../store/ledger';
import type { RunError, RunStatus } from './run-facts';

/** A tool call the run asks for (requires_action). */
export interface RequestedToolCall {
  id: string;
  name: string;
  /** JSON-encoded arguments as the model produced them. */
  arguments: string;
}

/** One state of the upstream run. Times are epoch milliseconds. */
export interface UpstreamRunState {
  /** The upstream run id. */
  id: string;
  status: RunStatus;
  expiresAt?: number;
  usage?: RunUsage;
  lastError?: RunError;
  /** With status requires_action: the calls whose outputs the run waits for. */
  toolCalls: RequestedToolCall[];
}

/** What a followed run reports, in order. */
export type UpstreamUpdate =
  | { type: 'state'; state: UpstreamRunState }
  | { type: 'message'; message: Message }
  /** A piece of an assistant message's text as the model writes it. */
  | { type: 'text_delta'; messageId: string; text: string };

/** A live stream of one run's updates; `abort()` ends it (the iteration then stops). */
export interface UpstreamStream extends AsyncIterable<UpstreamUpdate> {
  abort(): void;
  readonly aborted: boolean;
}

export interface RunToStart {
  threadId: string;
  runId: string;
  assistantId: string;
  additionalInstructions?: string;
}

export interface UpstreamRuns {
  /** Creates the run and streams it; a run an earlier delivery created for `runId` is adopted instead. */
  start(run: RunToStart): Promise<{ stream: UpstreamStream } | { adopted: UpstreamRunState }>;
  /** The run's current state, and how long the service asks to wait before asking again. */
  retrieve(threadId: string, upstreamRunId: string): Promise<{ state: UpstreamRunState; pollAfterMs?: number }>;
  /** Submits every output and streams on; null when the run no longer takes outputs (someone submitted first). */
  submitToolOutputs(threadId: string, upstreamRunId: string, outputs: ToolOutput[]): Promise<UpstreamStream | null>;
  cancel(threadId: string, upstreamRunId: string): Promise<void>;
  /** The messages the run wrote, oldest first. */
  runMessages(threadId: string, upstreamRunId: string): Promise<Message[]>;
  /** A file the run wrote: its name and size, and (Responses) the container it lives in, for the ledger's FileRecord. */
  file(fileId: string): Promise<{ filename: string; bytes: number; containerId?: string }>;
  /**
   * Optional: picks up a run a previous delivery followed. Where the protocol can, a run still under way comes with
   * a stream that goes on after the last update the previous follower handled (Responses: `starting_after`); without
   * `stream` (or without this method: `retrieve`) the worker waits and asks again. A decisive state never comes with a stream.
   */
  resume?(threadId: string, upstreamRunId: string): Promise<{ state: UpstreamRunState; pollAfterMs?: number; stream?: UpstreamStream }>;
}

export interface ToolOutput {
  tool_call_id: string;
  output: string;
}
