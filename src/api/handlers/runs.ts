// Runs: read from the ledger the worker keeps current (no upstream call per frontend poll),
// commands recorded and handed to the worker, and a resumable event stream.
import { AppError } from '../../errors';
import { isTerminal } from '../../runs/run-status';
import { cancelRun, getOwnedRun, submitClientToolOutputs } from '../../runs/run-commands';
import { classifyUpstreamError } from '../../upstream';
import type { Runtime } from '../../runtime';
import type { RunEventRecord } from '../../store/ledger';
import type { Logger } from '../../logging';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { json, sse } from '../results';
import { lastEventId, type SseEvent } from '../sse';
import { runView } from '../views';
import { now, type GetDeps } from './deps';

const EVENT_POLL_MS = 300;
/** The platform cuts HTTP responses at 230 s; end earlier and let EventSource reconnect with Last-Event-ID. */
const EVENT_STREAM_MAX_MS = 200_000;

export function runRoutes(getDeps: GetDeps) {
  const commandDeps = (deps: Runtime, logger: Logger) => ({ client: deps.upstream, ledger: deps.ledger, queue: deps.queue, logger, now });
  return [
    bindRoute(routeSpecs.listRuns, async ({ params, query, user }) => {
      const deps = await getDeps();
      if (!(await deps.ledger.getOwnedThread(params.threadId, user.userId))) throw new AppError('not_found', 'Thread not found.', 404);
      const page = await deps.ledger.listRuns(params.threadId, { limit: query.limit, after: query.after });
      const data = await Promise.all(page.runs.map(async (run) => runView(run, await deps.ledger.listToolCalls(run.runId))));
      return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
    }),

    bindRoute(routeSpecs.getRun, async ({ params, user }) => {
      const deps = await getDeps();
      const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
      return json(200, runView(run, await deps.ledger.listToolCalls(run.runId)));
    }),

    bindRoute(routeSpecs.listRunSteps, async ({ params, query, user }) => {
      const deps = await getDeps();
      const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
      if (!run.upstreamRunId) return json(200, { data: [], has_more: false, last_id: null });
      const page = await deps.upstream.beta.threads.runs.steps
        .list(run.upstreamRunId, { thread_id: params.threadId, limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}) })
        .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Run', threadId: params.threadId })));
      const data = page.data.map((step) => ({
        id: step.id,
        object: 'thread.run.step' as const,
        run_id: run.runId,
        type: step.type,
        status: step.status,
        created_at: step.created_at,
        completed_at: step.completed_at,
        message_id: step.step_details.type === 'message_creation' ? step.step_details.message_creation.message_id : null,
        tool_calls:
          step.step_details.type === 'tool_calls'
            ? step.step_details.tool_calls.map((call) => ({ id: call.id, type: call.type, name: call.type === 'function' ? call.function.name : null }))
            : [],
      }));
      return json(200, { data, has_more: page.hasNextPage(), last_id: data.at(-1)?.id ?? null });
    }),

    bindRoute(routeSpecs.cancelRun, async ({ params, user, logger }) => {
      const deps = await getDeps();
      const run = await cancelRun(commandDeps(deps, logger), user.userId, params.threadId, params.runId);
      return json(202, runView(run, await deps.ledger.listToolCalls(run.runId)));
    }),

    bindRoute(routeSpecs.submitToolOutputs, async ({ params, body, user, logger }) => {
      const deps = await getDeps();
      const run = await submitClientToolOutputs(commandDeps(deps, logger), user.userId, params.threadId, params.runId, body.tool_outputs);
      return json(202, runView(run, await deps.ledger.listToolCalls(run.runId)));
    }),

    bindRoute(routeSpecs.runEvents, async ({ params, query, headers, user }) => {
      const deps = await getDeps();
      const run = await getOwnedRun(deps.ledger, user.userId, params.threadId, params.runId);
      const resumeAfter = Number(lastEventId({ headers, query }) ?? 0);
      return sse((signal) => runEvents(deps, run.threadId, run.runId, resumeAfter, signal), { maxDurationMs: EVENT_STREAM_MAX_MS, retryMs: 1000 });
    }),
  ];
}

/** The run's ledger events from `afterSeq` on, until the run has ended and every event was sent. */
async function* runEvents(deps: Runtime, threadId: string, runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<SseEvent> {
  let last = afterSeq;
  while (!signal.aborted) {
    const events = await deps.ledger.listRunEvents(runId, { afterSeq: last });
    for (const event of events) {
      last = event.seq;
      yield toSse(event);
    }
    if (events.length === 0) {
      const run = await deps.ledger.getRun(threadId, runId);
      if (!run || isTerminal(run.status)) {
        // Re-read once: the final events may have landed after the list above.
        const tail = await deps.ledger.listRunEvents(runId, { afterSeq: last });
        for (const event of tail) {
          last = event.seq;
          yield toSse(event);
        }
        yield { event: 'done', data: { status: run?.status ?? 'unknown' } };
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, EVENT_POLL_MS));
    }
  }
}

function toSse(event: RunEventRecord): SseEvent {
  return { id: String(event.seq), event: event.type, data: { ...(event.data as object), at: event.at } };
}
