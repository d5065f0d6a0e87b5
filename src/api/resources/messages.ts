// Messages: posting one starts a run (202, or 200 with the reply when `?wait=` is long enough);
// listing reads the thread through the upstream port, which attributes each message to one of our runs
// from the ledger's index of the thread's recent runs. `?run_id=` reads that run's reply.
import type { HttpRequest } from '@azure/functions';
import { notFound } from '../../errors';
import { runReply } from '../../runs/run-reply';
import { startRun } from '../../runs/start-run';
import { waitForRun } from '../../runs/wait-for-run';
import { startRunDeps, type Runtime } from '../../runtime';
import type { RunRecord } from '../../store/ledger';
import { classifyUpstreamError } from '../../upstream';
import type { ThreadRunIndex } from '../../upstream/port';
import { callerRoute } from '../route';
import { apiUrl, json } from '../results';
import { ListMessagesQuery, MessageList, PostMessageBody, PostMessageQuery } from '../schemas/messages';
import { MessageAccepted, MessageCompleted } from '../schemas/runs';
import { ErrorBody } from '../schemas/common';
import { ThreadParams } from '../schemas/threads';
import { messageView, type MessageRun } from '../views';
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
    const runs = await recentRuns(deps, params.threadId);
    if (query.run_id) {
      // One run's reply, paged here: the run knows its messages on every protocol (and a direct reply has no upstream run).
      const run = runs.get(query.run_id) ?? (await deps.ledger.getRun(params.threadId, query.run_id));
      const replies = run ? await replyViews(deps, request, run) : [];
      const ordered = query.order === 'desc' ? replies.reverse() : replies;
      const start = query.after ? ordered.findIndex((m) => m.id === query.after) + 1 : 0;
      const data = ordered.slice(start, start + query.limit);
      return json(200, { data, has_more: start + query.limit < ordered.length, last_id: data.at(-1)?.id ?? null });
    }
    const page = await deps.upstream.threads
      .listMessages(params.threadId, { limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}) }, runIndex(runs))
      .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread', threadId: params.threadId })));
    const data = page.data.map((attributed) => messageView(attributed, request, runs));
    return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
  },
);

/** The run's reply as API messages. */
async function replyViews(deps: Runtime, request: HttpRequest, run: Parameters<typeof runReply>[1] & MessageRun) {
  const messages = await runReply({ runs: deps.upstream.runs, ledger: deps.ledger }, run);
  return messages.map((message) => messageView({ message, runId: run.runId }, request, new Map([[run.runId, run]])));
}

/** The thread's recent runs (what the ledger remembers), by our run id. */
async function recentRuns(deps: Runtime, threadId: string): Promise<Map<string, RunRecord>> {
  const { runs } = await deps.ledger.listRuns(threadId, { limit: 100 });
  return new Map(runs.map((run) => [run.runId, run]));
}

/** What the adapter attributes messages with: upstream run ids (a Responses chain has several) and user messages → our run ids. */
function runIndex(runs: Map<string, RunRecord>): ThreadRunIndex {
  const byUpstreamRunId = new Map<string, string>();
  const byUserMessageId = new Map<string, string>();
  for (const run of runs.values()) {
    for (const upstreamRunId of new Set([...(run.upstreamRunIds ?? []), ...(run.upstreamRunId ? [run.upstreamRunId] : [])])) byUpstreamRunId.set(upstreamRunId, run.runId);
    if (run.messageId) byUserMessageId.set(run.messageId, run.runId);
  }
  return { byUpstreamRunId, byUserMessageId };
}
