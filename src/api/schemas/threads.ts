// Threads: a caller's conversations. Owned by the caller who created them.
import { z } from 'zod';
import { AssistantKey, ThreadId } from './ids';
import { Metadata, UnixSeconds, listOf } from './common';

export const ThreadParams = z.object({ threadId: ThreadId });

export const CreateThreadBody = z
  .strictObject({
    assistant: AssistantKey.optional().meta({ description: 'Assistant that answers in this thread; default DEFAULT_ASSISTANT, `auto` to route each message.' }),
    metadata: Metadata.optional(),
  })
  // An empty POST creates a thread with the defaults.
  .default({})
  .meta({ id: 'CreateThreadRequest' });

export const Thread = z
  .object({
    id: ThreadId,
    object: z.literal('thread'),
    created_at: UnixSeconds,
    assistant: z.string().meta({ description: 'Assistant key the thread was created for (or `auto`).' }),
    metadata: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Thread' });

export const ThreadList = listOf(Thread, 'ThreadList');

export type CreateThreadRequest = z.output<typeof CreateThreadBody>;
export type ThreadResource = z.input<typeof Thread>;
export type ThreadListResource = z.input<typeof ThreadList>;
