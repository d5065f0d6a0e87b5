// What run orchestration needs from its collaborators. The ledger (src/store), the tool
// registry (src/tools) and the run queue satisfy these; tests can hand in the real ones
// on Azurite or narrow fakes for pure logic.
import type OpenAI from 'openai';
import type { Logger } from '../logging';

export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface RunErrorInfo {
  code: string;
  message: string;
}

export interface ToolCallRecordView {
  toolCallId: string;
  name: string;
  arguments: string;
  owner: 'server' | 'client';
  status: 'claimed' | 'succeeded' | 'invalid_arguments' | 'failed' | 'timed_out' | 'unknown_outcome' | 'awaiting_client' | 'client_submitted';
  output?: string;
  claimedAt: number;
  completedAt?: number;
  durationMs?: number;
}

export interface RunRecordView {
  threadId: string;
  runId: string;
  ownerId: string;
  assistantKey: string;
  assistantId?: string;
  upstreamRunId?: string;
  messageId?: string;
  status: string;
  createdAt: number;
  expiresAt?: number;
  completedAt?: number;
  cancelRequested?: boolean;
  lastError?: RunErrorInfo | null;
  usage?: RunUsage | null;
  routedTo?: string;
  additionalInstructions?: string;
  /** Generation of the queue chain following this run; older messages are duplicates and dropped. */
  followGeneration?: number;
  statusHistory: { status: string; at: number }[];
}

export type RunPatch = Partial<Omit<RunRecordView, 'threadId' | 'runId' | 'ownerId' | 'createdAt' | 'statusHistory'>>;

export interface RunLedgerPort {
  getRun(threadId: string, runId: string): Promise<RunRecordView | null>;
  updateRun(threadId: string, runId: string, patch: RunPatch): Promise<RunRecordView>;
  setActiveRun(threadId: string, runId: string | null, options?: { expectRunId?: string }): Promise<void>;
  touchThread(threadId: string, at: number): Promise<void>;
  claimToolCall(input: { runId: string; threadId: string; toolCallId: string; name: string; arguments: string; owner: 'server' | 'client'; claimedAt: number }): Promise<{ claimed: true } | { claimed: false; existing: ToolCallRecordView }>;
  /** Takes over a claim whose holder is presumed dead (ETag-guarded: only one taker wins). */
  reclaimToolCall(runId: string, toolCallId: string, expectedClaimedAt: number, claimedAt: number): Promise<boolean>;
  completeToolCall(runId: string, toolCallId: string, outcome: { status: ToolCallRecordView['status']; output: string; durationMs?: number; completedAt: number }): Promise<void>;
  listToolCalls(runId: string): Promise<ToolCallRecordView[]>;
  appendRunEvent(runId: string, event: { type: string; data: unknown; at: number }): Promise<number>;
  listRunEvents(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<Array<{ seq: number; type: string; data: unknown }>>;
  /** Records a file as its owner's, so they may download it; recording it again is harmless. */
  recordFile(file: FileRecordView): Promise<unknown>;
}

/** A file a run wrote (code interpreter output), owned by the run's owner. Times are epoch milliseconds. */
export interface FileRecordView {
  fileId: string;
  ownerId: string;
  purpose: 'assistants' | 'assistants_output';
  filename: string;
  bytes: number;
  contentType: string;
  createdAt: number;
  threadId?: string;
  runId?: string;
  source: 'upload' | 'generated';
}

export interface ToolOutcomeView {
  status: 'succeeded' | 'invalid_arguments' | 'failed' | 'timed_out';
  output: string;
  durationMs: number;
}

export interface ToolRunnerPort {
  has(name: string): boolean;
  isIdempotent(name: string): boolean;
  execute(call: { id: string; name: string; arguments: string }, ctx: { threadId: string; runId: string; userId?: string; deadlineMs: number; logger: Logger }): Promise<ToolOutcomeView>;
}

export interface RunQueuePort {
  send(message: RunQueueMessage, options?: { visibilityDelaySeconds?: number }): Promise<void>;
}

export interface RunQueueMessage {
  threadId: string;
  runId: string;
  attempt: number;
}

export interface RunDeps {
  client: OpenAI;
  ledger: RunLedgerPort;
  tools: ToolRunnerPort;
  queue: RunQueuePort;
  logger: Logger;
  deploymentId: string;
  now: () => number;
  /** How long one invocation may follow a run's event stream before handing it back to the queue. */
  followBudgetMs: number;
  /** How often a run waiting on the frontend (client tools) is re-checked, e.g. for expiry. */
  recheckIntervalMs: number;
  /** A claim older than this is presumed to belong to a dead worker. */
  staleClaimMs: number;
}
