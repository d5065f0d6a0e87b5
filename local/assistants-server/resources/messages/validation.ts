// Request bodies and queries of /threads/{thread_id}/messages.
import { z } from 'zod';
import { metadataSchema } from '../shared-schemas';

export { createMessageSchema } from '../shared-schemas';
export const modifyMessageSchema = z.strictObject({ metadata: metadataSchema.optional() });
export const listMessagesQuery = z.object({ run_id: z.string().optional() });
