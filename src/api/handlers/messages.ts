// Messages: posting one starts a run (202, or 200 with the reply when `?wait=` is long enough);
// listing reads the thread upstream and maps run ids to ours.
import type { HttpRequest } from '@azure/functions';
import type { Message } from 'openai/resources/beta/threads/messages';
import { notFound } from '../../errors';
import { startRun } from '../../runs/start-run';
import { isTerminal } from '../../runs/run-status';
import { classifyUpstreamError } from '../../upstream';
import { createCopilotRouter, listDirectReply, OTHER_ROUTE } from '../../router';
import type { Runtime } from '../../runtime';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { apiUrl, json } from '../results';
import { messageView, runView } from '../views';
import { now, type GetDeps } from './deps';

const WAIT_POLL_MS = 250;

export function messageRoutes(getDeps: GetDeps) {
  return [
    bindRoute(routeSpecs.postMessage, async ({ params, query, body, user, request, logger }) => {
      const deps = await getDeps();
      const { run, messageId } = await startRun(
        { client: deps.upstream, ledger: deps.ledger, queue: deps.queue, assistants: deps.assistants, logger, deploymentId: deps.config.DEPLOYMENT_ID, defaultAssistant: deps.config.DEFAULT_ASSISTANT, now,
          router: createCopilotRouter({ client: deps.chat, model: deps.config.MODEL_DEPLOYMENT, definitions: deps.definitions }) },
        { userId: user.userId, userName: user.name, threadId: params.threadId, content: body.content, assistant: body.assistant, attachments: body.attachments, metadata: body.metadata },
      );
      const location = apiUrl(request, `/threads/${params.threadId}/runs/${run.runId}`);
      const waitMs = Math.min(query.wait, deps.config.MAX_WAIT_SECONDS) * 1000;
      if (waitMs > 0) {
        // Reads the ledger the worker keeps current: waiting costs no upstream calls.
        const deadline = now() + waitMs;
        while (now() < deadline) {
          const current = await deps.ledger.getRun(params.threadId, run.runId);
          if (current && isTerminal(current.status)) {
            const reply = current.upstreamRunId
              ? await listRunMessages(deps, request, params.threadId, current.upstreamRunId, run.runId)
              : current.routedTo === OTHER_ROUTE ? await directReply(deps, request, params.threadId, run.runId) : [];
            return json(200, { run: runView(current, await deps.ledger.listToolCalls(run.runId)), reply }, { Location: location });
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(0, deadline - now()))));
        }
      }
      return json(202, { run: { id: run.runId, status: run.status }, message_id: messageId }, { Location: location });
    }),

    bindRoute(routeSpecs.listMessages, async ({ params, query, user, request }) => {
      const deps = await getDeps();
      const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
      if (!thread) throw notFound('Thread');
      const runIds = await upstreamRunIds(deps, params.threadId);
      let upstreamRunFilter: string | undefined;
      if (query.run_id) {
        upstreamRunFilter = [...runIds.entries()].find(([, ours]) => ours === query.run_id)?.[0];
        if (!upstreamRunFilter) {
          // A run answered directly (`auto` → other) has no upstream run: its reply carries our run id.
          const direct = (await deps.ledger.getRun(params.threadId, query.run_id))?.routedTo === OTHER_ROUTE;
          const data = direct ? await directReply(deps, request, params.threadId, query.run_id) : [];
          return json(200, { data, has_more: false, last_id: data.at(-1)?.id ?? null });
        }
      }
      const page = await deps.upstream.beta.threads.messages
        .list(params.threadId, { limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}), ...(upstreamRunFilter ? { run_id: upstreamRunFilter } : {}) })
        .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread', threadId: params.threadId })));
      const keys = await assistantKeys(deps);
      const data = page.data.map((message) => messageView(message, request, runIds, keys));
      return json(200, { data, has_more: page.hasNextPage(), last_id: data.at(-1)?.id ?? null });
    }),
  ];
}

/** Upstream run id → our run id, for the thread's recent runs. */
async function upstreamRunIds(deps: Runtime, threadId: string): Promise<Map<string, string>> {
  const { runs } = await deps.ledger.listRuns(threadId, { limit: 100 });
  return new Map(runs.flatMap((run) => (run.upstreamRunId ? [[run.upstreamRunId, run.runId] as [string, string]] : [])));
}

async function assistantKeys(deps: Runtime): Promise<Map<string, string>> {
  const listing = await deps.assistants.list();
  return new Map(listing.flatMap((entry) => (entry.assistantId ? [[entry.assistantId, entry.definition.key] as [string, string]] : [])));
}

async function listRunMessages(deps: Runtime, request: HttpRequest, threadId: string, upstreamRunId: string, runId: string) {
  const page = await deps.upstream.beta.threads.messages.list(threadId, { run_id: upstreamRunId, order: 'asc', limit: 100 });
  const keys = await assistantKeys(deps);
  return page.data.filter((m: Message) => m.role === 'assistant').map((m) => messageView(m, request, new Map([[upstreamRunId, runId]]), keys));
}

async function directReply(deps: Runtime, request: HttpRequest, threadId: string, runId: string) {
  const keys = await assistantKeys(deps);
  return (await listDirectReply(deps.upstream, threadId, runId)).map((m) => messageView(m, request, new Map(), keys));
}
