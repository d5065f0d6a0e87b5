// Threads over Conversations: a thread is our `thread_…` id bound to a `conv_…` (the caller records the binding
// in the ledger thread row); user messages and direct replies are conversation items; listing maps message items
// into the Assistants shape and attributes them to our runs.
import type OpenAI from 'openai';
import type { ConversationItem } from 'openai/resources/conversations/items';
import type { Logger } from '../../logging';
import type { Ledger } from '../../store/ledger';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { AttributedMessage, MessageQuery, ThreadRunIndex, UpstreamThreads } from '../port';
import { createOnce, SINGLE_ATTEMPT } from '../create-once';
import { attachFiles, recordMessageAttachments } from './attachments';
import { gone } from './gone';
import type { Bindings } from './bindings';
import { newThreadId } from './ids';
import { isChatMessage, toAssistantsMessage } from './messages';

export interface ThreadsDeps {
  client: OpenAI;
  bindings: Bindings;
  ledger: Pick<Ledger, 'getThread' | 'listRuns'>;
  deploymentId: string;
  logger: Logger;
  now: () => number;
}

/** How far back listing looks for the user message that opens an assistant message's run (items, not messages). */
const ATTRIBUTION_LOOKBACK = 100;

export function createResponsesThreads(deps: ThreadsDeps): UpstreamThreads {
  const { client, bindings } = deps;

  return {
    async create({ assistantKey }) {
      const conversation = await client.conversations.create({ metadata: { [METADATA_KEYS.deployment]: deps.deploymentId, [METADATA_KEYS.assistant]: assistantKey } });
      const threadId = newThreadId();
      bindings.rememberConversation(threadId, conversation.id);
      return { threadId, conversationId: conversation.id };
    },

    async delete(threadId) {
      // Without its ledger row the thread's conversation cannot be named any more: nothing of it is left to delete here.
      const thread = await deps.ledger.getThread(threadId);
      if (!thread) return 'already_gone';
      const conversation = thread.conversationId ? await gone(() => client.conversations.delete(thread.conversationId as string)) : 'already_gone';
      // What the adapter made for the thread goes with it; the sweep catches what a crash here leaves (by its tags).
      if (thread.vectorStoreId) await gone(() => client.vectorStores.delete(thread.vectorStoreId as string));
      if (thread.containerId) await gone(() => client.containers.delete(thread.containerId as string));
      return conversation;
    },

    async addUserMessage(threadId, message) {
      const conversationId = await bindings.conversationOf(threadId);
      // Tool resources first: the run that follows this message can already use them.
      if (message.attachments?.length) await attachFiles(deps, threadId, message.attachments);
      const item = await createOnce(
        async () => (await client.conversations.items.create(conversationId, { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: message.content }] }] }, SINGLE_ATTEMPT)).data[0],
        () => lostUserMessage(deps, threadId, conversationId, message.content),
      );
      if (!item) throw new Error('The conversation answered no item.');
      if (message.attachments?.length) await recordMessageAttachments(bindings, threadId, item.id as string, message.attachments);
      return { messageId: item.id as string };
    },

    async addAssistantMessage(threadId, { content, runId }) {
      const conversationId = await bindings.conversationOf(threadId);
      const created = await client.conversations.items.create(conversationId, { items: [{ type: 'message', role: 'assistant', content }] });
      const item = created.data.find(isChatMessage);
      if (!item) throw new Error('The conversation answered no message item.');
      return toAssistantsMessage(item, { threadId, createdAt: Math.floor(deps.now() / 1000), runId });
    },

    async listMessages(threadId, query, runs) {
      const thread = await bindings.thread(threadId);
      const conversationId = await bindings.conversationOf(threadId);
      const page = await messagePage(client, conversationId, query);
      const ascending = query.order === 'asc' ? [...page.data] : [...page.data].reverse();
      // Conversation items carry no times: messages show when their thread was created.
      const createdAt = Math.floor(thread.createdAt / 1000);
      let owner = ascending[0]?.role === 'assistant' ? await ownerBefore(client, conversationId, ascending[0].id, runs) : null;
      const attributed = new Map<string, AttributedMessage>();
      for (const item of ascending) {
        if (item.role === 'user') owner = runs.byUserMessageId.get(item.id) ?? null;
        const attachments = item.role === 'user' ? thread.messageAttachments?.[item.id] : undefined;
        attributed.set(item.id, { message: toAssistantsMessage(item, { threadId, createdAt, runId: owner, attachments }), runId: owner });
      }
      return { data: page.data.map((item) => attributed.get(item.id) as AttributedMessage), hasMore: page.hasMore };
    },
  };
}

type ChatItem = ConversationItem & { type: 'message'; role: 'user' | 'assistant'; id: string };

/** One page of message items (other items — tool calls, outputs — are skipped), as the API pages messages. */
async function messagePage(client: OpenAI, conversationId: string, query: MessageQuery): Promise<{ data: ChatItem[]; hasMore: boolean }> {
  const data: ChatItem[] = [];
  const items = client.conversations.items.list(conversationId, { order: query.order, limit: 100, ...(query.after ? { after: query.after } : {}) });
  for await (const item of items) {
    if (!isChatMessage(item)) continue;
    if (data.length === query.limit) return { data, hasMore: true };
    data.push(item as ChatItem);
  }
  return { data, hasMore: false };
}

/** The run of the nearest user message before `itemId`: assistant messages after a run's user message are that run's. */
async function ownerBefore(client: OpenAI, conversationId: string, itemId: string, runs: ThreadRunIndex): Promise<string | null> {
  let looked = 0;
  for await (const item of client.conversations.items.list(conversationId, { order: 'desc', after: itemId, limit: 50 })) {
    if (isChatMessage(item) && item.role === 'user') return runs.byUserMessageId.get(item.id) ?? null;
    if (++looked >= ATTRIBUTION_LOOKBACK) break;
  }
  return null;
}

/**
 * The user message a lost create left, if any. Items carry no metadata, so it is recognised as the conversation's
 * newest item being a user message with this text that no recorded run started with (the thread's one active run
 * is this one, so nothing else of ours can have added it since).
 */
async function lostUserMessage(deps: { client: OpenAI; ledger: Pick<Ledger, 'listRuns'> }, threadId: string, conversationId: string, text: string): Promise<ConversationItem | undefined> {
  const newest = (await deps.client.conversations.items.list(conversationId, { order: 'desc', limit: 1 })).data[0];
  if (!newest || newest.type !== 'message' || newest.role !== 'user') return undefined;
  const sameText = newest.content.length === 1 && newest.content[0]?.type === 'input_text' && newest.content[0].text === text;
  if (!sameText) return undefined;
  const { runs } = await deps.ledger.listRuns(threadId, { limit: 100 });
  return runs.some((run) => run.messageId === newest.id) ? undefined : newest;
}
