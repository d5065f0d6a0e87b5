// Creating a message from a request body (thread creation, additional_messages and POST .../messages share it).
import type { Services } from '../../http/context';
import { newId } from '../../store/ids';
import type { State } from '../../store/state';
import type { Message, MessageContent } from '../../store/wire-types';
import { findFile } from '../lookup';
import type { CreateMessageBody } from '../shared-schemas';

/** 404s for files the message refers to; called before anything is created. */
export function checkMessageFiles(state: State, body: CreateMessageBody): void {
  for (const attachment of body.attachments ?? []) findFile(state, attachment.file_id);
  if (typeof body.content !== 'string') for (const part of body.content) if (part.type === 'image_file') findFile(state, part.image_file.file_id);
}

export function createMessage(services: Services, threadId: string, body: CreateMessageBody): Message {
  const { state } = services.store;
  checkMessageFiles(state, body);
  const content: MessageContent[] =
    typeof body.content === 'string'
      ? [{ type: 'text', text: { value: body.content, annotations: [] } }]
      : body.content.map((part): MessageContent => {
          if (part.type === 'text') return { type: 'text', text: { value: part.text, annotations: [] } };
          if (part.type === 'image_file') return { type: 'image_file', image_file: part.image_file };
          return { type: 'image_url', image_url: part.image_url };
        });
  const now = services.clock.nowSeconds();
  const message: Message = {
    id: newId.message(),
    object: 'thread.message',
    created_at: now,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: now,
    incomplete_at: null,
    role: body.role,
    content,
    assistant_id: null,
    run_id: null,
    attachments: (body.attachments ?? []).map((a) => ({ file_id: a.file_id, tools: a.tools ?? [] })),
    metadata: body.metadata ?? {},
  };
  state.threadMessages(threadId).set(message.id, message);
  services.store.changed();
  return message;
}
