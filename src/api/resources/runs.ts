// Runs: read from the ledger the worker keeps current (no upstream call per frontend poll),
// commands recorded and handed to the worker, and a resumable event stream.
import { notFound } from '../../errors';
import { cancelRun, decideToolApprovals, getOwnedRun, submitClientToolOutputs } from '../../runs/run-commands';
import { runEventFeed, type FeedItem } from '../../runs/run-event-feed';
import { STREAM_DONE_EVENT } from '../../runs/run-facts';
import { runCommandDeps } from '../../runtime';
import type { Ledger, RunRecord } from '../../store/ledger';
import { classifyUpstreamError } from '../../upstream';
import { callerRoute } from '../route';
import { json, sse } from '../results';
import { ErrorBody } from '../schemas/common';
import { ListRunsQuery, ListStepsQuery, Run, RunEventsHeaders, RunEventsQuery, RunList, RunParams, RunStepList, ToolApprovalsBody, ToolOutputsBody, type RunResource } from '../schemas/runs';
import { ThreadParams } from '../schemas/threads';
import { lastEventId, type SseEvent } from '../sse';
import { runView } from '../views';

/** 128 outputs of up to 512 KiB would be 64 MiB; a single request carries at most 8 MiB. */
const TOOL_OUTPUTS_BODY_LIMIT = 8 * 1024 * 1024;
/** The platform cuts HTTP responses at 230 s; end earlier and let EventSource reconnect with Last-Event-ID. */
const EVENT_STREAM_MAX_MS = 200_000;

export const listRuns = callerRoute(
  {
    name: 'listRuns',
    method: 'GET',
    path: '/threads/{threadId}/runs',
    summary: "List a thread's runs, newest first",
    tags: ['runs'],
    params: ThreadParams,
    query: ListRunsQuery,
    responses: { 200: { description: 'A page of runs.', schema: RunList } },
  },
  async ({ params, query, user, runtime }) => {
    const deps = await runtime();
    if (!(await deps.ledger.getOwnedThread(params.threadId, user.userId))) throw notFound('Thread');
    const page = await deps.ledger.listRuns(params.threadId, { limit: query.limit, after: query.after });
    const data = await Promise.all(page.runs.map((run) => runResource(deps.ledger, run)));
    return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
  },
);

export const getRun = callerRoute(
  {
    name: 'getRun',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}',
    summary: 'Get a run',
    tags: ['runs'],
    params: RunParams,
    responses: { 200: { description: 'The run.', schema: Run } },
  },
  async ({ params, user, runtime }) => {
    const deps = await runtime();
    const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
    return json(200, await runResource(deps.ledger, run));
  },
);

export const listRunSteps = callerRoute(
  {
    name: 'listRunSteps',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}/steps',
    summary: "Summaries of a run's steps",
    tags: ['runs'],
    params: RunParams,
    query: ListStepsQuery,
    responses: { 200: { description: 'A page of run steps.', schema: RunStepList } },
  },
  async ({ params, query, user, runtime }) => {
    const deps = await runtime();
    const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
    if (!run.upstreamRunId) return json(200, { data: [], has_more: false, last_id: null });
    const page = await deps.upstream.steps
      .list(params.threadId, run.upstreamRunId, { limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}) })
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Run', threadId: params.threadId })));
    const data = page.data.map((step) => ({ ...step, object: 'thread.run.step' as const, run_id: run.runId }));
    return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
  },
);

export const cancelRunRoute = callerRoute(
  {
    name: 'cancelRun',
    method: 'POST',
    path: '/threads/{threadId}/runs/{runId}/cancel',
    summary: 'Cancel a run',
    tags: ['runs'],
    params: RunParams,
    responses: { 202: { description: 'Cancellation requested.', schema: Run }, 409: { description: 'The run already finished.', schema: ErrorBody } },
  },
  async ({ params, user, logger, runtime }) => {
    const deps = await runtime();
    const run = await cancelRun(runCommandDeps(deps, logger), user.userId, params.threadId, params.runId);
    return json(202, await runResource(deps.ledger, run));
  },
);

export const submitToolOutputs = callerRoute(
  {
    name: 'submitToolOutputs',
    method: 'POST',
    path: '/threads/{threadId}/runs/{runId}/tool_outputs',
    summary: 'Submit outputs of client tool calls',
    description: "Answers the run's required_action; the run resumes.",
    tags: ['runs'],
    params: RunParams,
    body: ToolOutputsBody,
    maxBodyBytes: TOOL_OUTPUTS_BODY_LIMIT,
    responses: {
      202: { description: 'Outputs accepted; the run resumes.', schema: Run },
      409: { description: 'The run is not waiting for these tool calls.', schema: ErrorBody },
    },
  },
  async ({ params, body, user, logger, runtime }) => {
    const deps = await runtime();
    const run = await submitClientToolOutputs(runCommandDeps(deps, logger), user.userId, params.threadId, params.runId, body.tool_outputs);
    return json(202, await runResource(deps.ledger, run));
  },
);

export const submitToolApprovals = callerRoute(
  {
    name: 'submitToolApprovals',
    method: 'POST',
    path: '/threads/{threadId}/runs/{runId}/tool_approvals',
    summary: 'Approve or deny server tool calls',
    description:
      "Decides the run's `pending_approvals` (server tools whose assistant marks them `approval: required`). An approved call is executed once by the backend; a denied one never runs and the model is told the user declined it. The run resumes once no call waits for a decision or a client output. Pending approvals expire with the run.",
    tags: ['runs'],
    params: RunParams,
    body: ToolApprovalsBody,
    responses: {
      202: { description: 'Decisions recorded.', schema: Run },
      409: { description: 'The run is not waiting for a decision on these tool calls.', schema: ErrorBody },
    },
  },
  async ({ params, body, user, logger, runtime }) => {
    const deps = await runtime();
    const run = await decideToolApprovals(runCommandDeps(deps, logger), user.userId, params.threadId, params.runId, body.approvals);
    return json(202, await runResource(deps.ledger, run));
  },
);

export const runEvents = callerRoute(
  {
    name: 'runEvents',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}/events',
    summary: "Stream a run's events (Server-Sent Events)",
    description:
      'Each event has an `id:`, an `event:` type and JSON `data:`. Types: `run.status` {status, last_error}, `run.tool_call` {id, name, arguments, owner}, `run.tool_output` {id, status, output}, `run.requires_client_action` {tool_call_ids}, `message.delta` {id, delta} (the reply text as it is written, coalesced to about ten events a second; concatenate the deltas of one message id), `message.completed` {id, role, content} (the whole message; it replaces the deltas), and a final `done` {status}. Reconnect with the Last-Event-ID header (or `?last_event_id=`) to resume after the last event seen, deltas included. Comment lines keep the connection alive; the stream ends when the run finishes.',
    tags: ['runs'],
    params: RunParams,
    query: RunEventsQuery,
    headers: RunEventsHeaders,
    responses: { 200: { description: 'An event stream.', contentType: 'text/event-stream' } },
  },
  async ({ params, query, headers, user, runtime }) => {
    const deps = await runtime();
    const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
    const resumeAfter = Number(lastEventId({ headers, query }) ?? 0);
    return sse((signal) => toSse(runEventFeed(deps.ledger, run, resumeAfter, signal)), { maxDurationMs: EVENT_STREAM_MAX_MS, retryMs: 1000 });
  },
);

/** The run as the API shows it, with its tool calls. */
export async function runResource(ledger: Pick<Ledger, 'listToolCalls'>, run: RunRecord): Promise<RunResource> {
  return runView(run, await ledger.listToolCalls(run.runId));
}

/** Each ledger event as `id: <seq>`, `event: <type>`, its data plus `at`; then `done`. */
async function* toSse(feed: AsyncIterable<FeedItem>): AsyncIterable<SseEvent> {
  for await (const item of feed) {
    if (item.kind === 'done') yield { event: STREAM_DONE_EVENT, data: { status: item.status } };
    else yield { id: String(item.event.seq), event: item.event.type, data: { ...item.event.data, at: item.event.at } };
  }
}
