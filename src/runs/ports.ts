// What run orchestration needs from its collaborators, named by the collaborators' own types:
// the ledger (src/store), the tool registry (src/tools) and the run queue. Tests hand in the
// real ones on Azurite, or narrower objects for pure logic.
import type OpenAI from 'openai';
import type { Logger } from '../logging';
import type { Ledger, RunPatch as LedgerRunPatch, RunRecord, ToolCallRecord } from '../store/ledger';
import type { RunQueue, RunQueueMessage as QueueMessage } from '../store/run-queue';
import type { ToolRegistry } from '../tools';

export type RunRecordView = RunRecord;
export type ToolCallRecordView = ToolCallRecord;
export type RunPatch = LedgerRunPatch;
export type RunQueueMessage = QueueMessage;

export type RunLedgerPort = Pick<
  Ledger,
  | 'getRun'
  | 'updateRun'
  | 'setActiveRun'
  | 'touchThread'
  | 'claimToolCall'
  | 'reclaimToolCall'
  | 'completeToolCall'
  | 'listToolCalls'
  | 'appendRunEvent'
  | 'listRunEvents'
  | 'recordFile'
>;
export type ToolRunnerPort = Pick<ToolRegistry, 'has' | 'isIdempotent' | 'execute'>;
export type RunQueuePort = Pick<RunQueue, 'send'>;

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
