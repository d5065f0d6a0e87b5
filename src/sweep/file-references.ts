// Where file ids appear in upstream objects (pure extraction; the targets fetch the objects).
import type { Assistant } from 'openai/resources/beta/assistants';
import type { ConversationItem } from 'openai/resources/conversations/items';
import type { Thread } from 'openai/resources/beta/threads/threads';
import type { Message } from 'openai/resources/beta/threads/messages';

type ToolResources = Assistant['tool_resources'] | Thread['tool_resources'];

/** Files an assistant or thread gives code interpreter. */
export function codeInterpreterFileIds(resources: ToolResources | undefined): string[] {
  return resources?.code_interpreter?.file_ids ?? [];
}

/** Vector stores an assistant or thread searches. */
export function fileSearchVectorStoreIds(resources: ToolResources | undefined): string[] {
  return resources?.file_search?.vector_store_ids ?? [];
}

/** Every file a message points at: attachments, images, and citations/paths in its text. */
export function messageFileIds(message: Pick<Message, 'attachments' | 'content'>): string[] {
  const ids = (message.attachments ?? []).map((a) => a.file_id).filter((id): id is string => Boolean(id));
  return [...ids, ...contentFileIds(message, () => true)];
}

/**
 * Files a run wrote into an assistant message: images and file_path annotations (code interpreter
 * output, purpose `assistants_output`). Citations point at files the user gave, so they are not outputs.
 * Only runs write assistant messages through this app (users post `user` messages), so these are ours.
 */
export function runOutputFileIds(message: Pick<Message, 'role' | 'content'>): string[] {
  if (message.role !== 'assistant') return [];
  return contentFileIds(message, (type) => type !== 'file_citation');
}

function contentFileIds(message: Pick<Message, 'content'>, annotationWanted: (type: string) => boolean): string[] {
  const ids: string[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'image_file') ids.push(block.image_file.file_id);
    if (block.type !== 'text') continue;
    for (const annotation of block.text.annotations ?? []) {
      if (!annotationWanted(annotation.type)) continue;
      if (annotation.type === 'file_path') ids.push(annotation.file_path.file_id);
      else if (annotation.type === 'file_citation') ids.push(annotation.file_citation.file_id);
    }
  }
  return ids;
}

/** Files a conversation item gives the model (Responses: input_file and input_image parts of a message). */
export function conversationItemFileIds(item: ConversationItem): string[] {
  if (item.type !== 'message') return [];
  const ids: string[] = [];
  for (const part of item.content) {
    if ((part.type === 'input_file' || part.type === 'input_image') && part.file_id) ids.push(part.file_id);
  }
  return ids;
}
