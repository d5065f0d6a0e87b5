// Request bodies of the vector store endpoints.
import { z } from 'zod';
import { INT } from '../../http/validate';
import { chunkingStrategySchema, metadataSchema } from '../shared-schemas';

const expiresAfter = z.strictObject({ anchor: z.literal('last_active_at'), days: z.number().int().min(1, INT).max(365, INT) });

export const attributesSchema = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((a) => Object.keys(a).length <= 16, { message: "Invalid 'attributes': too many properties. Expected an object with at most 16 properties." })
  .nullable();

export const createVectorStoreSchema = z.strictObject({
  file_ids: z.array(z.string()).max(500).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  expires_after: expiresAfter.optional(),
  chunking_strategy: chunkingStrategySchema.optional(),
  metadata: metadataSchema.optional(),
});

export const modifyVectorStoreSchema = z.strictObject({
  name: z.string().nullable().optional(),
  expires_after: expiresAfter.nullable().optional(),
  metadata: metadataSchema.optional(),
});

export const createVectorStoreFileSchema = z.strictObject({
  file_id: z.string(),
  chunking_strategy: chunkingStrategySchema.optional(),
  attributes: attributesSchema.optional(),
});

export const updateAttributesSchema = z.strictObject({ attributes: attributesSchema });

export const createBatchSchema = z
  .strictObject({
    file_ids: z.array(z.string()).min(1).max(2000).optional(),
    files: z.array(createVectorStoreFileSchema).min(1).max(2000).optional(),
    chunking_strategy: chunkingStrategySchema.optional(),
    attributes: attributesSchema.optional(),
  })
  .refine((b) => b.file_ids !== undefined || b.files !== undefined, { message: "Missing required parameter: 'file_ids'.", path: ['file_ids'], params: { code: 'missing_required_parameter' } });

export const fileFilterSchema = z.object({ filter: z.enum(['in_progress', 'completed', 'failed', 'cancelled']).optional() });
