// Messages: posting one starts a run (202, or 200 with the reply when `?wait=` is long enough);
// listing reads the thread upstream and maps run ids to ours.
import type { HttpRequest } from '@azure/functions';
import type { Message } from 'openai/resources/beta/threads/messages';
import { notFound } from '../../errors';
import { runReply } from '../../runs/run-reply';
import { startRun } from '../../runs/start-run';
import { waitForRun } from '../../runs/wait-for-run';
import { startRunDeps, type Runtime } from '../../runtime';
import { classifyUpstreamError } from '../../upstream';
import { callerRoute } from '../route';
import { apiUrl, json } from '../results';
import { ListMessagesQuery, MessageList, PostMessageBody, PostMessageQuery } from '../schemas/messages';
import { MessageAccepted, MessageCompleted } from '../schemas/runs';
import { ErrorBody } from '../schemas/common';
import { ThreadParams } from '../schemas/threads';
import { messageView } from '../views';
import { runResource } from './runs';

/** 256,000 characters of content may take up to 4 bytes each in UTF-8, plus attachments and metadata. */
const MESSAGE_BODY_LIMIT = 1_200 * 1024;

export const postMessage = callerRoute(
  {
    name: 'postMessage',
    method: 'POST',
    path: '/threads/{threadId}/messages',
    summary: 'Send a message and start a run',
    description: 'Adds the message and starts a run. With `wait`, answers 200 with the reply if the run finishes in time; otherwise 202 with the run to follow.',
    tags: ['messages'],
    params: ThreadParams,
    query: PostMessageQuery,
    body: PostMessageBody,
    maxBodyBytes: MESSAGE_BODY_LIMIT,
    responses: {
      200: { description: 'The run finished within `wait`.', schema: MessageCompleted },
      202: { description: 'The run is under way.', schema: MessageAccepted, headers: { Location: { description: 'URL of the run (GET it to poll).' } } },
      409: { description: 'The thread already has an active run (code run_active).', schema: ErrorBody },
    },
  },
  async ({ params, query, body, user, request, logger, runtime }) => {
    const deps = await runtime();
    const { run, messageId } = await startRun(startRunDeps(deps, logger), {
      userId: user.userId,
      userName: user.name,
      threadId: params.threadId,
      content: body.content,
      assistant: body.assistant,
      attachments: body.attachments,
      metadata: body.metadata,
    });
    const location = apiUrl(request, `/threads/${params.threadId}/runs/${run.runId}`);
    const ended = await waitForRun(deps, params.threadId, run.runId, Math.min(query.wait, deps.config.MAX_WAIT_SECONDS) * 1000);
    if (!ended) return json(202, { run: { id: run.runId, status: run.status }, message_id: messageId }, { Location: location });
    const reply = await replyViews(deps, request, ended);
    return json(200, { run: await runResource(deps.ledger, ended), reply }, { Location: location });
  },
);

export const listMessages = callerRoute(
  {
    name: 'listMessages',
    method: 'GET',
    path: '/threads/{threadId}/messages',
    summary: "List a thread's messages",
    tags: ['messages'],
    params: ThreadParams,
    query: ListMessagesQuery,
    responses: { 200: { description: 'A page of messages.', schema: MessageList } },
  },
  async ({ params, query, user, request, runtime }) => {
    const deps = await runtime();
    const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
    if (!thread) throw notFound('Thread');
    const runIds = await upstreamRunIds(deps, params.threadId);
    const upstreamRunFilter = query.run_id ? [...runIds.entries()].find(([, ours]) => ours === query.run_id)?.[0] : undefined;
    if (query.run_id && !upstreamRunFilter) {
      // A run answered directly (`auto` → other) has no upstream run: its reply carries our run id.
      const run = await deps.ledger.getRun(params.threadId, query.run_id);
      const data = run ? await replyViews(deps, request, run) : [];
      return json(200, { data, has_more: false, last_id: data.at(-1)?.id ?? null });
    }
    const page = await deps.upstream.beta.threads.messages
      .list(params.threadId, { limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}), ...(upstreamRunFilter ? { run_id: upstreamRunFilter } : {}) })
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread', threadId: params.threadId })));
    const keys = await assistantKeys(deps);
    const data = page.data.map((message) => messageView(message, request, runIds, keys));
    return json(200, { data, has_more: page.hasNextPage(), last_id: data.at(-1)?.id ?? null });
  },
);

/** The run's reply as API messages. */
async function replyViews(deps: Runtime, request: HttpRequest, run: Parameters<typeof runReply>[1]) {
  const messages: Message[] = await runReply({ upstream: deps.runs, client: deps.upstream }, run);
  const runIds = new Map(run.upstreamRunId ? [[run.upstreamRunId, run.runId]] : []);
  const keys = await assistantKeys(deps);
  return messages.map((m) => messageView(m, request, runIds, keys));
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
