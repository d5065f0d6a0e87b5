// Threads: created upstream and recorded in the ledger with their owner; every read checks ownership.
import { notFound } from '../../errors';
import { classifyUpstreamError } from '../../upstream';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { json, noContent } from '../results';
import { threadView } from '../views';
import { now, type GetDeps } from './deps';

export function threadRoutes(getDeps: GetDeps) {
  return [
    bindRoute(routeSpecs.createThread, async ({ body, user }) => {
      const deps = await getDeps();
      const assistantKey = body.assistant ?? deps.config.DEFAULT_ASSISTANT;
      const definition = assistantKey === 'auto' ? undefined : (await deps.assistants.resolve(assistantKey)).definition;
      if (definition?.threadPerUser) {
        // One persistent thread per user for this assistant: later questions reuse it.
        const existing = await findThreadFor(deps, user.userId, assistantKey);
        if (existing) return json(200, threadView(existing, deps.config.DEFAULT_ASSISTANT));
      }
      const upstream = await deps.upstream.beta.threads
        .create({ metadata: { app_deployment: deps.config.DEPLOYMENT_ID, app_assistant: assistantKey } })
        .catch((error: unknown) => Promise.reject(classifyUpstreamError(error, { what: 'Thread' })));
      const thread = await deps.ledger.createThread({ threadId: upstream.id, ownerId: user.userId, assistantKey, metadata: body.metadata ?? {}, createdAt: now() });
      return json(201, threadView(thread, deps.config.DEFAULT_ASSISTANT));
    }),

    bindRoute(routeSpecs.listThreads, async ({ query, user }) => {
      const deps = await getDeps();
      const page = await deps.ledger.listThreadsByOwner(user.userId, { limit: query.limit, after: query.after });
      const data = page.threads.map((thread) => threadView(thread, deps.config.DEFAULT_ASSISTANT));
      return json(200, { data, has_more: page.hasMore, last_id: data.at(-1)?.id ?? null });
    }),

    bindRoute(routeSpecs.getThread, async ({ params, user }) => {
      const deps = await getDeps();
      const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
      if (!thread) throw notFound('Thread');
      return json(200, threadView(thread, deps.config.DEFAULT_ASSISTANT));
    }),

    bindRoute(routeSpecs.deleteThread, async ({ params, user, logger }) => {
      const deps = await getDeps();
      const thread = await deps.ledger.getOwnedThread(params.threadId, user.userId);
      if (!thread) throw notFound('Thread');
      try {
        await deps.upstream.beta.threads.delete(params.threadId);
      } catch (error) {
        const mapped = classifyUpstreamError(error, { what: 'Thread' });
        if (mapped.status !== 404) throw mapped; // already gone upstream counts as deleted
      }
      await deps.ledger.markThreadDeleted(params.threadId, now());
      logger.info('thread deleted', { threadId: params.threadId });
      return noContent();
    }),
  ];
}

async function findThreadFor(deps: Awaited<ReturnType<GetDeps>>, userId: string, assistantKey: string) {
  let after: string | undefined;
  for (;;) {
    const page = await deps.ledger.listThreadsByOwner(userId, { limit: 100, after });
    const match = page.threads.find((thread) => thread.assistantKey === assistantKey);
    if (match || !page.hasMore) return match;
    after = page.threads.at(-1)?.threadId;
  }
}
