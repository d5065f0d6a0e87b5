// Request bodies of /threads.
import { z } from 'zod';
import { createMessageSchema, metadataSchema, toolResourcesSchema } from '../shared-schemas';

export const createThreadSchema = z.strictObject({
  messages: z.array(createMessageSchema).optional(),
  tool_resources: toolResourcesSchema.optional(),
  metadata: metadataSchema.optional(),
});

export const modifyThreadSchema = z.strictObject({
  tool_resources: toolResourcesSchema.optional(),
  metadata: metadataSchema.optional(),
});

export type CreateThreadBody = z.output<typeof createThreadSchema>;
