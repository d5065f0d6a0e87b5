// Threads: created upstream (through the port) and recorded in the ledger with their owner and, on Responses,
// the conversation they are bound to; every read checks ownership.
import { notFound } from '../../errors';
import type { Runtime } from '../../runtime';
import { classifyUpstreamError } from '../../upstream';
import { callerRoute } from '../route';
import { json, noContent } from '../results';
import { PageQuery } from '../schemas/common';
import { CreateThreadBody, Thread, ThreadList, ThreadParams } from '../schemas/threads';
import { threadView } from '../views';

// Conversation routes are anonymous at the host; callerRoute makes the app require the caller's identity (src/api/identity.ts).
export const createThread = callerRoute(
  {
    name: 'createThread',
    method: 'POST',
    path: '/threads',
    summary: 'Create a thread',
    tags: ['threads'],
    body: CreateThreadBody,
    responses: { 201: { description: 'The new thread.', schema: Thread } },
  },
  async ({ body, user, runtime }) => {
    const deps = await runtime();
    const assistantKey = body.assistant ?? deps.config.DEFAULT_ASSISTANT;
    const definition = assistantKey === 'auto' ? undefined : (await deps.assistants.resolve(assistantKey)).definition;
    if (definition?.threadPerUser) {
      // One persistent thread per user for this assistant: later questions reuse it.
      const existing = await findThreadFor(deps, user.userId, assistantKey);
      if (existing) return json(200, threadView(existing, deps.config.DEFAULT_ASSISTANT));
    }
    const created = await deps.upstream.threads.create({ assistantKey }).catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread' })));
    const thread = await deps.ledger.createThread({
      threadId: created.threadId,
      ownerId: user.userId,
      assistantKey,
      ...(created.conversationId ? { conversationId: created.conversationId } : {}),
      metadata: body.metadata ?? {},
      createdAt: deps.now(),
    });
    return json(201, threadView(thread, deps.config.DEFAULT_ASSISTANT));
  },
);

export const listThreads = callerRoute(
  {
    name: 'listThreads',
    method: 'GET',
    path: '/threads',
    summary: "List the caller's threads, newest first",
    tags: ['threads'],
    query: PageQuery,
    responses: { 200: { description: 'A page of threads.', schema: ThreadList } },
  },
  async ({ query, user, runtime }) => {
    const deps = await runtime();
    const page = await deps.ledger.listThreadsByOwner(user.userId, { limit: query.limit, after: query.after });
    const data = page.threads.map((thread) => threadView(thread, deps.config.DEFAULT_ASSISTANT));
    return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
  },
);

export const getThread = callerRoute(
  {
    name: 'getThread',
    method: 'GET',
    path: '/threads/{threadId}',
    summary: 'Get a thread',
    tags: ['threads'],
    params: ThreadParams,
    responses: { 200: { description: 'The thread.', schema: Thread } },
  },
  async ({ params, user, runtime }) => {
    const deps = await runtime();
    const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
    if (!thread) throw notFound('Thread');
    return json(200, threadView(thread, deps.config.DEFAULT_ASSISTANT));
  },
);

export const deleteThread = callerRoute(
  {
    name: 'deleteThread',
    method: 'DELETE',
    path: '/threads/{threadId}',
    summary: 'Delete a thread',
    tags: ['threads'],
    params: ThreadParams,
    responses: { 204: { description: 'Deleted.' } },
  },
  async ({ params, user, logger, runtime }) => {
    const deps = await runtime();
    const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
    if (!thread) throw notFound('Thread');
    // Already gone upstream counts as deleted (the adapter says so rather than failing).
    await deps.upstream.threads.delete(params.threadId).catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread' })));
    await deps.ledger.markThreadDeleted(params.threadId, deps.now());
    logger.info('thread deleted', { threadId: params.threadId });
    return noContent();
  },
);

async function findThreadFor(deps: Runtime, userId: string, assistantKey: string) {
  let after: string | undefined;
  for (;;) {
    const page = await deps.ledger.listThreadsByOwner(userId, { limit: 100, after });
    const match = page.threads.find((thread) => thread.assistantKey === assistantKey);
    if (match || !page.hasMore) return match;
    after = page.threads.at(-1)?.threadId;
  }
}
