// Messages: what the caller posts (which starts a run) and what a thread's history returns.
import { z } from 'zod';
import { AssistantKey, FileId, MessageId, RunId, ThreadId } from './ids';
import { Metadata, OrderedPageQuery, UnixSeconds, listOf, queryInt } from './common';

export const MAX_CONTENT_CHARS = 256_000;
export const MAX_ATTACHMENTS = 10;
/** HTTP-triggered functions are cut off at 230 s, so no wait may approach it. */
export const MAX_WAIT_LIMIT_SECONDS = 230;

export const AttachmentTool = z.object({ type: z.enum(['code_interpreter', 'file_search']) });

export const Attachment = z
  .strictObject({
    file_id: FileId,
    tools: z
      .array(AttachmentTool)
      .min(1)
      .max(2)
      .refine((tools) => new Set(tools.map((t) => t.type)).size === tools.length, { message: 'each tool type may appear once' }),
  })
  .meta({ id: 'Attachment', description: 'A file the assistant may use, and with which tools.' });

export const PostMessageBody = z
  .strictObject({
    content: z
      .string()
      .min(1)
      .max(MAX_CONTENT_CHARS)
      .regex(/\S/, 'must not be blank')
      .meta({ description: `The user's message, 1–${MAX_CONTENT_CHARS} characters.` }),
    assistant: AssistantKey.optional().meta({ description: "Assistant for this run; default the thread's assistant. `auto` routes by content." }),
    attachments: z.array(Attachment).max(MAX_ATTACHMENTS).optional(),
    metadata: Metadata.optional(),
  })
  .meta({ id: 'PostMessageRequest' });

export const PostMessageQuery = z.object({
  wait: queryInt(0, MAX_WAIT_LIMIT_SECONDS)
    .default(0)
    .meta({ description: 'Seconds to wait for the run to finish before answering 202; clamped to MAX_WAIT_SECONDS (default 60).' }),
});

export const ListMessagesQuery = OrderedPageQuery.extend({ run_id: RunId.optional().meta({ description: "Only the messages this run wrote (the assistant's replies); the user message that started a run carries its run_id too." }) });

const TextRange = { text: z.string(), start_index: z.number().int(), end_index: z.number().int() };

export const Annotation = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('file_citation'), ...TextRange, file_citation: z.object({ file_id: FileId }) }),
    z.object({
      type: z.literal('file_path'),
      ...TextRange,
      file_path: z.object({ file_id: FileId }),
      url: z.string().meta({ description: "This API's download URL for the file." }),
    }),
  ])
  .meta({ id: 'Annotation' });

export const MessageContent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.object({ value: z.string(), annotations: z.array(Annotation) }) }),
    z.object({
      type: z.literal('image_file'),
      image_file: z.object({ file_id: FileId, url: z.string().meta({ description: "This API's download URL for the image." }) }),
    }),
    z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string() }) }),
    z.object({ type: z.literal('refusal'), refusal: z.string() }),
  ])
  .meta({ id: 'MessageContent' });

export const Message = z
  .object({
    id: MessageId,
    object: z.literal('thread.message'),
    thread_id: ThreadId,
    run_id: RunId.nullable(),
    role: z.enum(['user', 'assistant']),
    assistant: z.string().nullable().meta({ description: 'Assistant key that wrote the message (assistant messages).' }),
    status: z.enum(['in_progress', 'incomplete', 'completed']),
    created_at: UnixSeconds,
    content: z.array(MessageContent),
    attachments: z.array(Attachment),
    metadata: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Message' });

export const MessageList = listOf(Message, 'MessageList');

export type PostMessageRequest = z.output<typeof PostMessageBody>;
export type MessageResource = z.input<typeof Message>;
export type MessageListResource = z.input<typeof MessageList>;
