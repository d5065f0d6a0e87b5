// Conversations and their items: items keep the order they were added in (inputs of a response when it
// is created, its outputs when it ends).
import type { Services } from '../../http/context';
import { ApiError } from '../../http/errors';
import { newId } from '../../store/ids';
import type { Conversation, ConversationItem, Metadata, ResponseItem } from '../../store/wire-types';
import { toItem } from '../responses/items';
import type { InputItemBody } from '../responses/validation';

export function findConversation(services: Services, id: string, param: string | null = null): Conversation {
  const conversation = services.store.state.conversations.get(id);
  if (!conversation) throw new ApiError(404, `Conversation with id '${id}' not found.`, 'invalid_request_error', param, null);
  return conversation;
}

export function findConversationItem(services: Services, conversationId: string, itemId: string): ConversationItem {
  findConversation(services, conversationId);
  const item = services.store.state.itemsOf(conversationId).get(itemId);
  if (!item) throw new ApiError(404, `Item with id '${itemId}' not found.`, 'invalid_request_error', null, null);
  return item;
}

export function createConversation(services: Services, input: { items?: InputItemBody[]; metadata?: Metadata | null }): Conversation {
  const conversation: Conversation = { id: newId.conversation(), object: 'conversation', created_at: services.clock.nowSeconds(), metadata: input.metadata ?? {} };
  services.store.state.conversations.set(conversation.id, conversation);
  addItems(services, conversation.id, input.items ?? []);
  services.store.changed();
  return conversation;
}

export function addItems(services: Services, conversationId: string, inputs: InputItemBody[]): ConversationItem[] {
  const items = services.store.state.itemsOf(conversationId);
  const added = inputs.map((input) => toItem(input, (id) => items.get(id) as ResponseItem | undefined) as ConversationItem);
  for (const item of added) items.set(item.id!, item);
  services.store.changed();
  return added;
}
