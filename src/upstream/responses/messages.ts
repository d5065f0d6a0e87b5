// Message mapping: conversation items and response output messages become the Assistants `Message` the rest
// of the app (the API's message view, the follower's file recording) is built on.
//   output_text                → text part (annotations: file_citation as is, container_file_citation → file_path)
//   cited container .png files → image_file parts (where the Assistants protocol puts images: before the text)
//   input_text                 → text part (user messages)
//   attachments                → what the ledger recorded for the item (attachments.ts): items keep none
// Container file ids become app file ids (ids.ts); `located` collects which container holds each of them.
import type { Annotation, Message, MessageContent } from 'openai/resources/beta/threads/messages';
import type { MessageAttachment } from '../../store/ledger';
import type { Message as ConversationMessage } from 'openai/resources/conversations/conversations';
import type { ResponseOutputMessage, ResponseOutputText } from 'openai/resources/responses/responses';
import { METADATA_KEYS } from '../../runs/run-facts';
import { containerFileAppId } from './ids';

export interface MessageContext {
  threadId: string;
  /** Epoch seconds: when the response that wrote it (or the conversation) was created. */
  createdAt: number;
  /**
   * Our run id, when known, as app_run_id metadata (as the Assistants protocol's user messages carry it). `run_id`
   * stays null: a Responses run is a chain of responses, and the API's message view reads our run id from the metadata.
   */
  runId?: string | null;
  /** A user message's attachments as the ledger recorded them for its item. */
  attachments?: MessageAttachment[];
  /** Called for each container file the message cites: app file id → container id. */
  located?: (appFileId: string, containerId: string) => void;
}

type AnyMessage = ResponseOutputMessage | ConversationMessage;

export function toAssistantsMessage(item: AnyMessage, context: MessageContext): Message {
  const images: MessageContent[] = [];
  const parts: MessageContent[] = [];
  for (const part of item.content) {
    if (part.type === 'input_text' || part.type === 'text') parts.push({ type: 'text', text: { value: part.text, annotations: [] } });
    else if (part.type === 'output_text') parts.push({ type: 'text', text: { value: part.text, annotations: annotationsOf(part, context, images) } });
    else if (part.type === 'refusal') parts.push({ type: 'refusal', refusal: part.refusal });
  }
  const incomplete = item.status === 'incomplete';
  const role = item.role === 'user' ? 'user' : 'assistant';
  return {
    id: item.id,
    object: 'thread.message',
    created_at: context.createdAt,
    thread_id: context.threadId,
    role,
    content: [...images, ...parts],
    assistant_id: null,
    run_id: null,
    attachments: context.attachments ?? [],
    metadata: context.runId ? { [METADATA_KEYS.runId]: context.runId } : {},
    status: item.status === 'in_progress' ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    completed_at: item.status === 'completed' ? context.createdAt : null,
    incomplete_at: incomplete ? context.createdAt : null,
    incomplete_details: incomplete ? { reason: 'max_tokens' } : null,
  };
}

/** Whether a conversation item is a user or assistant message (the ones the thread shows). */
export function isChatMessage<T extends { type: string }>(item: T): item is T & AnyMessage {
  const role = (item as { role?: string }).role;
  return item.type === 'message' && (role === 'user' || role === 'assistant');
}

function annotationsOf(part: ResponseOutputText, context: MessageContext, images: MessageContent[]): Annotation[] {
  const out: Annotation[] = [];
  for (const a of part.annotations) {
    if (a.type === 'file_citation') {
      out.push({ type: 'file_citation', text: a.filename, start_index: a.index, end_index: a.index, file_citation: { file_id: a.file_id } });
    } else if (a.type === 'container_file_citation') {
      const fileId = containerFileAppId(a.file_id);
      context.located?.(fileId, a.container_id);
      const cited = part.text.slice(a.start_index, a.end_index);
      if (/\.png$/i.test(a.filename)) {
        if (!images.some((p) => p.type === 'image_file' && p.image_file.file_id === fileId)) images.push({ type: 'image_file', image_file: { file_id: fileId } });
        // An image cited at a point (no link text) is the image itself; one cited over a link is also a link.
        if (!cited) continue;
      }
      out.push({ type: 'file_path', text: cited || `sandbox:/mnt/data/${a.filename}`, start_index: a.start_index, end_index: a.end_index, file_path: { file_id: fileId } });
    } else if (a.type === 'file_path') {
      out.push({ type: 'file_path', text: '', start_index: a.index, end_index: a.index, file_path: { file_id: a.file_id } });
    }
  }
  return out;
}
