// The Runs table: PK `<threadId>`, RK `<runId>` (our run id; the upstream one is a column, since a run is
// recorded before the upstream run exists). A run is a point read, a thread's runs one partition query.
// Status changes are appended to a bounded history; terminal statuses are sticky, because queue delivery is
// at-least-once and a late "in_progress" from a slow worker must not resurrect a finished run.
import { odata } from '@azure/data-tables';
import { badRequest, notFound } from '../../errors';
import { ACTIVE_RUN_STATUSES, isTerminal, type RunError, type RunStatus } from '../../runs/run-facts';
import { columnMap } from './columns';
import { tableKey } from './keys';
import { clampLimit } from './threads';
import { deleteEntity, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, type LazyTable } from './table-ops';

export type { RunError, RunStatus };

export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Who is extending a run's response chain, and since when (epoch ms). */
export interface ChainClaim {
  from: string | null;
  at: number;
}

export interface StreamCursor {
  responseId: string;
  sequence: number;
}

/**
 * claimResponseChain's answer: `claimed` (create the next response now), `continued` (the chain already moved past
 * `from`: someone else continued it), `busy` (another delivery's fresh claim: it is creating the next response).
 */
export type ChainClaimResult = 'claimed' | 'continued' | 'busy';

export interface RunStatusChange {
  status: RunStatus;
  at: number;
}

/** Times are epoch milliseconds. */
export interface RunRecord {
  threadId: string;
  runId: string;
  ownerId: string;
  assistantKey: string;
  assistantId?: string;
  upstreamRunId?: string;
  /** Responses protocol: every response of the run's chain, oldest first (upstreamRunId is the newest). */
  upstreamRunIds?: string[];
  /** Responses protocol: a delivery is creating the chain's next response after `from` (null: the first); see claimResponseChain. */
  chainClaim?: ChainClaim;
  /** Responses protocol: the last stream event a follower handled, so the next one resumes after it (starting_after). */
  streamCursor?: StreamCursor;
  /** The user message that started the run. */
  messageId?: string;
  status: RunStatus;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  completedAt?: number;
  cancelRequested?: boolean;
  lastError?: RunError;
  usage?: RunUsage;
  /** For `auto` runs: the assistant key the copilot router chose, or `other` when it answered directly (src/copilot). */
  routedTo?: string;
  additionalInstructions?: string;
  /** Generation of the queue chain following this run; older messages are duplicates. */
  followGeneration?: number;
  /**
   * Until when someone is answerable for moving the run (epoch ms): set when it is queued or re-queued (same write),
   * renewed by a worker that follows it longer than half a lease (runs/follow-lease.ts). Once it lapses on a run still
   * under way, its follower is presumed dead and the lease reconciler re-queues it within seconds.
   */
  followLeaseUntil?: number;
  /** Transient failures in a row (upstream 5xx, dropped streams, resets); a pass that works clears it; past a budget the run fails (runs/failures.ts). */
  transientFailures?: number;
  /** Oldest first, at most STATUS_HISTORY_LIMIT entries (the oldest are dropped). */
  statusHistory: RunStatusChange[];
  /** W3C traceparent of the span that started the run (src/telemetry/): a later wake-up continues its trace. */
  traceparent?: string;
}

/** What recording a run takes: its identity and starting state (the rest is filled in as it goes). */
export type NewRun = Pick<RunRecord, 'threadId' | 'runId' | 'ownerId' | 'assistantKey' | 'status' | 'createdAt'> &
  Partial<Pick<RunRecord, 'assistantId' | 'upstreamRunId' | 'messageId' | 'expiresAt' | 'routedTo' | 'additionalInstructions' | 'traceparent' | 'followLeaseUntil'>>;

export interface RunPatch {
  status?: RunStatus;
  /** When the change happened (default: the ledger clock). */
  at?: number;
  assistantKey?: string;
  assistantId?: string;
  upstreamRunId?: string;
  upstreamRunIds?: string[];
  streamCursor?: StreamCursor;
  messageId?: string;
  expiresAt?: number;
  completedAt?: number;
  cancelRequested?: boolean;
  /** null clears. */
  lastError?: RunError | null;
  /** null clears. */
  usage?: RunUsage | null;
  routedTo?: string;
  additionalInstructions?: string;
  followGeneration?: number;
  followLeaseUntil?: number;
  transientFailures?: number;
}

export interface RunPage {
  runs: RunRecord[];
  hasMore: boolean;
}

export interface RunStore {
  /** Records a run; recording the same run again returns the stored record unchanged. */
  recordRun(input: NewRun): Promise<RunRecord>;
  getRun(threadId: string, runId: string): Promise<RunRecord | null>;
  /** Newest first (by createdAt). `after` is the last run id of the previous page. */
  listRuns(threadId: string, options?: { limit?: number; after?: string }): Promise<RunPage>;
  /** Applies `patch` with ETag retries; a terminal status is never replaced. Throws not_found for unknown runs. */
  updateRun(threadId: string, runId: string, patch: RunPatch): Promise<RunRecord>;
  /**
   * Runs created before `cutoff`, for retention. Scans the table (a filter on createdAt across partitions),
   * so it belongs in the timer job.
   */
  listRunsCreatedBefore(cutoff: number, options?: { limit?: number }): Promise<RunRecord[]>;
  /**
   * Compare-and-set of the run's follow generation: moves it from `from` to `from + 1` only while it is still
   * `from` and the run is not terminal, so of two followers holding one generation exactly one goes on.
   * `patch` is applied in the same write. Returns the updated run, or null when someone else moved it first (or the
   * run ended or is unknown). With `leaseLapsedBy`, also only while the run's follow lease (if any) ended before then:
   * a follower that renewed it meanwhile is alive and keeps the run.
   */
  advanceFollowGeneration(threadId: string, runId: string, from: number, patch?: RunPatch, options?: { leaseLapsedBy?: number }): Promise<RunRecord | null>;
  /**
   * Runs still under way (not terminal) whose row has not changed since `cutoff`: the reconciler's work list.
   * Scans the table with a filter (like listRunsCreatedBefore), so it belongs in the timer job.
   */
  listRunsUnchangedSince(cutoff: number, options?: { limit?: number }): Promise<RunRecord[]>;
  /**
   * Extends the follow lease of generation `generation` to `until`, only while that generation still follows the run
   * and it is not terminal (false otherwise: someone else took it over, or it ended). Leaves updatedAt alone, so a
   * heartbeat is not mistaken for progress.
   */
  renewFollowLease(threadId: string, runId: string, generation: number, until: number): Promise<boolean>;
  /**
   * Runs still under way whose follow lease lapsed before `before`: the lease reconciler's work list. The filter only
   * matches rows that carry a lease and an active status (rows without one are the stall pass's).
   */
  listRunsWithLapsedLease(before: number, options?: { limit?: number }): Promise<RunRecord[]>;
  deleteRunRow(threadId: string, runId: string): Promise<boolean>;
  /**
   * Responses protocol: a conditional write before creating the response that follows `from` in the run's chain
   * (null: the chain's first). Exactly one of several deliveries gets `claimed`; a claim older than `staleMs`
   * (its holder presumably died before creating) may be taken again.
   */
  claimResponseChain(threadId: string, runId: string, claim: { from: string | null; at: number; staleMs: number }): Promise<ChainClaimResult>;
  /** Appends the response created under a claim to the chain (idempotent) and releases the claim. */
  linkResponse(threadId: string, runId: string, responseId: string): Promise<RunRecord>;
  /** Gives up a claim whose response could not be created (so a retry need not wait for it to go stale). */
  releaseResponseChain(threadId: string, runId: string, claim: { from: string | null; at: number }): Promise<void>;
}

export const STATUS_HISTORY_LIMIT = 50;
const ERROR_MESSAGE_LIMIT = 2_000;

export function createRunStore(table: LazyTable, now: () => number): RunStore {
  const readRun = async (threadId: string, runId: string) => {
    const entity = await readEntity(table, tableKey(threadId), tableKey(runId));
    return entity ? rowToRun(entity) : null;
  };

  return {
    async recordRun(input) {
      const record: RunRecord = {
        ...input,
        updatedAt: input.createdAt,
        statusHistory: [{ status: input.status, at: input.createdAt }],
        completedAt: isTerminal(input.status) ? input.createdAt : undefined,
      };
      if (await insertIfAbsent(table, tableKey(input.threadId), tableKey(input.runId), runToRow(record))) return record;
      return (await readRun(input.threadId, input.runId)) ?? record;
    },

    getRun: readRun,

    async listRuns(threadId, options = {}) {
      const limit = clampLimit(options.limit);
      // Run ids are not time-ordered, so a thread's runs (tens, rarely hundreds) are sorted here.
      const runs = (await queryEntities(table, odata`PartitionKey eq ${tableKey(threadId)}`))
        .map(rowToRun)
        .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
      let start = 0;
      if (options.after) {
        const index = runs.findIndex((r) => r.runId === options.after);
        if (index < 0) throw badRequest(`Unknown cursor: after=${options.after}`);
        start = index + 1;
      }
      return { runs: runs.slice(start, start + limit), hasMore: runs.length > start + limit };
    },

    async updateRun(threadId, runId, patch) {
      const at = patch.at ?? now();
      const result = await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const current = rowToRun(row);
        const next = applyRunPatch(current, patch, at);
        return sameRun(current, next) ? NO_CHANGE : runToRow(next);
      });
      if (!result) throw notFound('Run');
      return rowToRun(result.row);
    },

    async listRunsCreatedBefore(cutoff, options = {}) {
      return (await queryEntities(table, odata`createdAt lt ${new Date(cutoff)}`, { limit: options.limit })).map(rowToRun);
    },

    async advanceFollowGeneration(threadId, runId, from, patch = {}, options = {}) {
      const result = await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const current = rowToRun(row);
        if (isTerminal(current.status) || (current.followGeneration ?? 0) !== from) return NO_CHANGE;
        const lease = current.followLeaseUntil;
        if (options.leaseLapsedBy !== undefined && lease !== undefined && lease >= options.leaseLapsedBy) return NO_CHANGE;
        return runToRow(applyRunPatch(current, { ...patch, followGeneration: from + 1 }, now()));
      });
      return result?.changed ? rowToRun(result.row) : null;
    },

    async listRunsUnchangedSince(cutoff, options = {}) {
      const active = ACTIVE_RUN_STATUSES.map((status) => odata`status eq ${status}`).join(' or ');
      return (await queryEntities(table, `${odata`updatedAt lt ${new Date(cutoff)}`} and (${active})`, { limit: options.limit })).map(rowToRun);
    },

    async renewFollowLease(threadId, runId, generation, until) {
      const result = await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const current = rowToRun(row);
        if (isTerminal(current.status) || (current.followGeneration ?? 0) !== generation) return NO_CHANGE;
        return runToRow({ ...current, followLeaseUntil: until });
      });
      return result?.changed ?? false;
    },

    async listRunsWithLapsedLease(before, options = {}) {
      const active = ACTIVE_RUN_STATUSES.map((status) => odata`status eq ${status}`).join(' or ');
      return (await queryEntities(table, `${odata`followLeaseUntil lt ${new Date(before)}`} and (${active})`, { limit: options.limit })).map(rowToRun);
    },

    deleteRunRow: (threadId, runId) => deleteEntity(table, tableKey(threadId), tableKey(runId)),

    async claimResponseChain(threadId, runId, claim) {
      let result: ChainClaimResult = 'claimed';
      const mutated = await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const run = rowToRun(row);
        result = chainClaimOutcome(run, claim);
        return result === 'claimed' ? runToRow({ ...run, chainClaim: { from: claim.from, at: claim.at } }) : NO_CHANGE;
      });
      if (!mutated) throw notFound('Run');
      return result;
    },

    async linkResponse(threadId, runId, responseId) {
      const mutated = await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const run = rowToRun(row);
        const chain = run.upstreamRunIds ?? [];
        if (chain.includes(responseId) && !run.chainClaim) return NO_CHANGE;
        return runToRow({ ...run, upstreamRunIds: chain.includes(responseId) ? chain : [...chain, responseId], chainClaim: undefined, updatedAt: now() });
      });
      if (!mutated) throw notFound('Run');
      return rowToRun(mutated.row);
    },

    async releaseResponseChain(threadId, runId, claim) {
      await mutateEntity(table, tableKey(threadId), tableKey(runId), (row) => {
        const run = rowToRun(row);
        const held = run.chainClaim;
        return held && held.from === claim.from && held.at === claim.at ? runToRow({ ...run, chainClaim: undefined }) : NO_CHANGE;
      });
    },
  };
}

/** The pure mutation behind updateRun (re-applied on every ETag retry). */
export function applyRunPatch(current: RunRecord, patch: RunPatch, at: number): RunRecord {
  const { status, at: _at, completedAt, lastError, usage, ...fields } = patch;
  const next: RunRecord = { ...current, updatedAt: at };
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[name] = value;
  }
  if (status !== undefined && status !== current.status && !isTerminal(current.status)) {
    next.status = status;
    next.statusHistory = [...current.statusHistory, { status, at }].slice(-STATUS_HISTORY_LIMIT);
    if (isTerminal(status)) next.completedAt = current.completedAt ?? completedAt ?? at;
  } else if (completedAt !== undefined && isTerminal(current.status) && current.completedAt === undefined) {
    next.completedAt = completedAt;
  }
  if (lastError === null) next.lastError = undefined;
  else if (lastError) next.lastError = { code: lastError.code, message: lastError.message.slice(0, ERROR_MESSAGE_LIMIT) };
  if (usage === null) next.usage = undefined;
  else if (usage) next.usage = { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
  return next;
}

/** The pure decision behind claimResponseChain (re-applied on every ETag retry). */
export function chainClaimOutcome(run: Pick<RunRecord, 'upstreamRunIds' | 'chainClaim'>, claim: { from: string | null; at: number; staleMs: number }): ChainClaimResult {
  const last = run.upstreamRunIds?.at(-1) ?? null;
  if (last !== claim.from) return 'continued';
  const held = run.chainClaim;
  if (held && held.from === claim.from && claim.at - held.at < claim.staleMs) return 'busy';
  return 'claimed';
}

/** Equal apart from updatedAt: such an update is skipped rather than written. */
function sameRun(a: RunRecord, b: RunRecord): boolean {
  const comparable = (run: RunRecord) => {
    const row = runToRow({ ...run, updatedAt: 0 });
    return JSON.stringify(Object.keys(row).sort().map((name) => [name, row[name]]));
  };
  return comparable(a) === comparable(b);
}

/** The Runs table's columns (the record's fields, one each). */
const RUN_COLUMNS = columnMap<RunRecord>(
  {
    threadId: 'string',
    runId: 'string',
    ownerId: 'string',
    assistantKey: 'string',
    assistantId: 'string',
    upstreamRunId: 'string',
    upstreamRunIds: 'json',
    chainClaim: 'json',
    streamCursor: 'json',
    messageId: 'string',
    status: 'string',
    createdAt: 'time',
    updatedAt: 'time',
    expiresAt: 'time',
    completedAt: 'time',
    cancelRequested: 'boolean',
    lastError: 'json',
    usage: 'json',
    routedTo: 'string',
    additionalInstructions: 'text',
    followGeneration: 'number',
    followLeaseUntil: 'time',
    transientFailures: 'number',
    statusHistory: 'json',
    traceparent: 'string',
  },
  { createdAt: 0, updatedAt: 0, statusHistory: [] },
);
const runToRow = RUN_COLUMNS.toRow;
const rowToRun = RUN_COLUMNS.fromRow;
