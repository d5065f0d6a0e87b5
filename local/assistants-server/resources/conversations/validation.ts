// Bodies of the Conversations API, with its limits (20 items per request).
import { z } from 'zod';
import { inputItemSchema } from '../responses/validation';
import { metadataSchema } from '../shared-schemas';

export const MAX_ITEMS_PER_REQUEST = 20;

export const createConversationSchema = z.strictObject({
  items: z.array(inputItemSchema).max(MAX_ITEMS_PER_REQUEST).nullable().optional(),
  metadata: metadataSchema.optional(),
});

export const updateConversationSchema = z.strictObject({ metadata: metadataSchema });

export const createItemsSchema = z.strictObject({ items: z.array(inputItemSchema).min(1).max(MAX_ITEMS_PER_REQUEST) });
