// Threads and messages of the Assistants adapter: a frontend thread IS an upstream thread (same id), and
// messages are the protocol's own, so they pass through; only their attribution to our runs is added.
import type OpenAI from 'openai';
import type { Message } from 'openai/resources/beta/threads/messages';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { AttributedMessage, ThreadRunIndex, UpstreamThreads } from '../port';
import { createOnce, SINGLE_ATTEMPT } from '../create-once';
import { unlessGone } from './gone';

export function createAssistantsThreads(client: OpenAI, deploymentId: string): UpstreamThreads {
  return {
    async create({ assistantKey }) {
      const thread = await client.beta.threads.create({ metadata: { [METADATA_KEYS.deployment]: deploymentId, [METADATA_KEYS.assistant]: assistantKey } });
      return { threadId: thread.id };
    },

    delete: (threadId) => unlessGone(() => client.beta.threads.delete(threadId)),

    async addUserMessage(threadId, message) {
      const params = {
        role: 'user' as const,
        content: message.content,
        ...(message.attachments?.length ? { attachments: message.attachments } : {}),
        metadata: { ...message.metadata, [METADATA_KEYS.runId]: message.runId },
      };
      // A lost answer is looked up by our run id in the message's metadata before the create is sent again.
      const created = await createOnce(
        () => client.beta.threads.messages.create(threadId, params, SINGLE_ATTEMPT),
        async () => (await client.beta.threads.messages.list(threadId, { order: 'desc', limit: 20 })).data.find((m) => m.role === 'user' && (m.metadata as Record<string, string> | null)?.[METADATA_KEYS.runId] === message.runId),
      );
      return { messageId: created.id };
    },

    addAssistantMessage: (threadId, message) =>
      client.beta.threads.messages.create(threadId, { role: 'assistant', content: message.content, metadata: { [METADATA_KEYS.runId]: message.runId } }),

    async listMessages(threadId, query, runs) {
      const page = await client.beta.threads.messages.list(threadId, { limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}) });
      return { data: page.data.map((message) => attribute(message, runs)), hasMore: page.hasNextPage() };
    },
  };
}

/** A run's messages carry its upstream run id; the user message and a direct reply carry our run id in metadata. */
function attribute(message: Message, runs: ThreadRunIndex): AttributedMessage {
  const tagged = (message.metadata as Record<string, string> | null)?.[METADATA_KEYS.runId];
  const runId = message.run_id ? (runs.byUpstreamRunId.get(message.run_id) ?? null) : (tagged ?? runs.byUserMessageId.get(message.id) ?? null);
  return { message, runId };
}
