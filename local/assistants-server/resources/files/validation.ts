// The multipart fields of POST /files and the list filter.
import { z } from 'zod';
import { INT } from '../../http/validate';

// 'evals' is left out: the file object's purpose enum (spec and SDK) cannot represent it.
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data'] as const;

export const uploadFieldsSchema = z.object({
  purpose: z.enum(UPLOAD_PURPOSES),
  'expires_after[anchor]': z.literal('created_at').optional(),
  'expires_after[seconds]': z.coerce.number().int().min(3600, INT).max(2_592_000, INT).optional(),
});

export const listFilesQuery = z.object({ purpose: z.string().optional() });
