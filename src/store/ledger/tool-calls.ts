// The ToolCalls table: PK `<runId>`, RK `<toolCallId>`. Queue delivery is at-least-once, so two workers may
// see the same requires_action; inserting the claim row (409 = someone already has it) decides which one runs
// the tool, and the stored output is what every worker submits. Together that makes tool effects exactly-once.
import { odata } from '@azure/data-tables';
import { notFound } from '../../errors';
import { columnMap, type Row } from './columns';
import { tableKey } from './keys';
import { MAX_TOOL_ARGUMENTS_CHARS, MAX_TOOL_OUTPUT_CHARS, truncateText } from './limits';
import { deletePartition, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, type LazyTable } from './table-ops';

export type ToolCallStatus =
  /** A worker is executing it (or died doing so). */
  | 'claimed'
  /** Owned by the frontend, whose output has not arrived yet. */
  | 'awaiting_client'
  /** A server tool whose definition requires a person's approval, which has not been given yet. */
  | 'awaiting_approval'
  /** Approved and not yet taken by a worker (taking it moves it to `claimed`). */
  | 'approved'
  /** Refused by the person: never executed; its output tells the model so. */
  | 'denied'
  | 'succeeded'
  | 'invalid_arguments'
  | 'failed'
  | 'timed_out'
  /** Its worker died mid-call and the tool is not safe to repeat. */
  | 'unknown_outcome'
  | 'client_submitted';

/** Statuses that still change; any other status is final and its output is what gets submitted. */
export const OPEN_TOOL_CALL_STATUSES: ReadonlySet<ToolCallStatus> = new Set(['claimed', 'awaiting_client', 'awaiting_approval', 'approved']);

/** Times are epoch milliseconds. */
export interface ToolCallRecord {
  runId: string;
  toolCallId: string;
  threadId: string;
  name: string;
  /** The JSON arguments exactly as the model produced them. */
  arguments: string;
  /** Who produces the output: a backend tool or the frontend. */
  owner: 'server' | 'client';
  status: ToolCallStatus;
  claimedAt: number;
  /** Identifies the claimant, for diagnostics (e.g. invocation id). */
  claimToken?: string;
  /** The text submitted as the tool output (failures report an error output too). */
  output?: string;
  durationMs?: number;
  completedAt?: number;
  /** When the run's owner approved the call (tools that need approval). */
  approvedAt?: number;
}

export interface ToolCallClaim {
  runId: string;
  toolCallId: string;
  threadId: string;
  name: string;
  arguments: string;
  /** Default `server`. */
  owner?: 'server' | 'client';
  claimedAt: number;
  claimToken?: string;
}

export type ClaimResult = { claimed: true; record: ToolCallRecord } | { claimed: false; existing: ToolCallRecord };

export interface ToolCallCompletion {
  status: ToolCallStatus;
  output: string;
  durationMs?: number;
  completedAt: number;
}

export interface ToolCallStore {
  /** Insert-if-absent: exactly one concurrent claimant gets `claimed: true`; the others get the stored record. */
  claimToolCall(claim: ToolCallClaim): Promise<ClaimResult>;
  /**
   * Takes over a claim whose holder is presumed dead: succeeds (true) only while the call is still `claimed`
   * with the claim time the caller saw (`expectedClaimedAt`), so of several takers exactly one wins.
   */
  reclaimToolCall(runId: string, toolCallId: string, expectedClaimedAt: number, claimedAt: number): Promise<boolean>;
  /** Records a person's approval of a call awaiting it; false when it was not (or no longer) awaiting approval. */
  approveToolCall(runId: string, toolCallId: string, at: number): Promise<boolean>;
  /** Records a person's denial (final, with the refusal `output`); false when the call was not awaiting approval. */
  denyToolCall(runId: string, toolCallId: string, output: string, at: number): Promise<boolean>;
  /**
   * Takes an approved call for execution (approved → claimed at `claimedAt`): of several workers exactly one gets
   * true, and from then on the call is an ordinary claim (a dead taker's claim goes stale like any other).
   */
  takeApprovedToolCall(runId: string, toolCallId: string, claimedAt: number): Promise<boolean>;
  /**
   * Records an outcome while the call is open (claimed or awaiting the client). Once final, further
   * completions change nothing, so every worker submits the same (stored) output.
   * Throws not_found when the call was never claimed.
   */
  completeToolCall(runId: string, toolCallId: string, completion: ToolCallCompletion): Promise<void>;
  getToolCall(runId: string, toolCallId: string): Promise<ToolCallRecord | null>;
  listToolCalls(runId: string): Promise<ToolCallRecord[]>;
  /** Removes all of a run's tool calls; returns how many. */
  deleteToolCalls(runId: string): Promise<number>;
}

export function createToolCallStore(table: LazyTable): ToolCallStore {
  const read = async (runId: string, toolCallId: string) => {
    const entity = await readEntity(table, tableKey(runId), tableKey(toolCallId));
    return entity ? rowToToolCall(entity) : null;
  };

  /** Moves a call out of `from` (an ETag-checked write); false when it is not in `from`. */
  const transition = async (runId: string, toolCallId: string, from: ToolCallStatus, to: (current: ToolCallRecord) => ToolCallRecord) => {
    const result = await mutateEntity(table, tableKey(runId), tableKey(toolCallId), (row) => {
      const current = rowToToolCall(row);
      return current.status === from ? toolCallToRow(to(current)) : NO_CHANGE;
    });
    return result?.changed ?? false;
  };

  return {
    async claimToolCall(claim) {
      const record: ToolCallRecord = { ...claim, owner: claim.owner ?? 'server', status: 'claimed' };
      if (await insertIfAbsent(table, tableKey(claim.runId), tableKey(claim.toolCallId), toolCallToRow(record))) {
        return { claimed: true, record };
      }
      const existing = await read(claim.runId, claim.toolCallId);
      // A 409 followed by a missing row means the run's calls were just purged: nothing to run any more.
      if (!existing) throw notFound('Tool call');
      return { claimed: false, existing };
    },

    async reclaimToolCall(runId, toolCallId, expectedClaimedAt, claimedAt) {
      const result = await mutateEntity(table, tableKey(runId), tableKey(toolCallId), (row) => {
        const current = rowToToolCall(row);
        if (current.status !== 'claimed' || current.claimedAt !== expectedClaimedAt) return NO_CHANGE;
        return toolCallToRow({ ...current, claimedAt });
      });
      return result?.changed ?? false;
    },

    approveToolCall: (runId, toolCallId, at) => transition(runId, toolCallId, 'awaiting_approval', (current) => ({ ...current, status: 'approved', approvedAt: at })),

    denyToolCall: (runId, toolCallId, output, at) => transition(runId, toolCallId, 'awaiting_approval', (current) => ({ ...current, status: 'denied', output, completedAt: at })),

    takeApprovedToolCall: (runId, toolCallId, claimedAt) =>
      transition(runId, toolCallId, 'approved', (current) => ({ ...current, status: 'claimed', claimedAt })),

    async completeToolCall(runId, toolCallId, completion) {
      const result = await mutateEntity(table, tableKey(runId), tableKey(toolCallId), (row) => {
        const current = rowToToolCall(row);
        if (!OPEN_TOOL_CALL_STATUSES.has(current.status)) return NO_CHANGE;
        return toolCallToRow({ ...current, ...completion });
      });
      if (!result) throw notFound('Tool call');
    },

    getToolCall: read,

    async listToolCalls(runId) {
      return (await queryEntities(table, odata`PartitionKey eq ${tableKey(runId)}`)).map(rowToToolCall);
    },

    deleteToolCalls: (runId) => deletePartition(table, tableKey(runId)),
  };
}

/** The ToolCalls table's columns; arguments and outputs may be long. */
const TOOL_CALL_COLUMNS = columnMap<ToolCallRecord>(
  {
    runId: 'string',
    toolCallId: 'string',
    threadId: 'string',
    name: 'string',
    arguments: 'text',
    owner: 'string',
    status: 'string',
    claimedAt: 'time',
    claimToken: 'string',
    output: 'text',
    durationMs: 'number',
    completedAt: 'time',
    approvedAt: 'time',
  },
  { arguments: '', owner: 'server', claimedAt: 0 },
);
const rowToToolCall = TOOL_CALL_COLUMNS.fromRow;
function toolCallToRow(call: ToolCallRecord): Row {
  // Oversized model arguments are refused by the registry; the row keeps what fits (see ./limits.ts).
  const row = TOOL_CALL_COLUMNS.toRow({
    ...call,
    arguments: truncateText(call.arguments, MAX_TOOL_ARGUMENTS_CHARS),
    output: call.output === undefined ? undefined : truncateText(call.output, MAX_TOOL_OUTPUT_CHARS),
    durationMs: call.durationMs === undefined ? undefined : Math.round(call.durationMs),
  });
  if (call.arguments.length > MAX_TOOL_ARGUMENTS_CHARS) row.argumentsChars = call.arguments.length;
  return row;
}
