// Request pieces several resources share, with the service's limits.
import { z } from 'zod';
import { INT } from '../http/validate';

export const LIMITS = {
  metadataPairs: 16,
  metadataKey: 64,
  metadataValue: 512,
  instructions: 256_000,
  assistantTools: 128,
  runTools: 20,
  attachments: 10,
  codeInterpreterFiles: 20,
  name: 256,
  description: 512,
} as const;

export const metadataSchema = z
  .record(z.string(), z.string().max(LIMITS.metadataValue))
  .nullable()
  .superRefine((value, ctx) => {
    if (!value) return;
    const keys = Object.keys(value);
    if (keys.length > LIMITS.metadataPairs) {
      ctx.addIssue({
        code: 'custom',
        message: `Invalid 'metadata': too many properties. Expected an object with at most ${LIMITS.metadataPairs} properties, but got an object with ${keys.length} properties instead.`,
        params: { code: 'object_above_max_properties' },
      });
    }
    const long = keys.find((k) => k.length > LIMITS.metadataKey);
    if (long) {
      ctx.addIssue({
        code: 'custom',
        message: `Invalid 'metadata': key too long. Expected a key with maximum length ${LIMITS.metadataKey}, but got a key with length ${long.length} instead.`,
        params: { code: 'metadata_key_too_long' },
      });
    }
  });

const functionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "a name of letters, digits, '_' or '-' (at most 64)");

export const toolSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('code_interpreter') }),
  z.strictObject({
    type: z.literal('file_search'),
    file_search: z
      .strictObject({
        max_num_results: z.number().int().min(1, INT).max(50, INT).optional(),
        ranking_options: z.strictObject({ ranker: z.enum(['auto', 'default_2024_08_21']).optional(), score_threshold: z.number().min(0).max(1) }).optional(),
      })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('function'),
    function: z.strictObject({
      name: functionName,
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const chunkingStrategy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto') }),
  z.strictObject({
    type: z.literal('static'),
    static: z.strictObject({ max_chunk_size_tokens: z.number().int().min(100, INT).max(4096, INT), chunk_overlap_tokens: z.number().int().min(0, INT) }),
  }),
]);
export { chunkingStrategy as chunkingStrategySchema };

export const toolResourcesSchema = z
  .strictObject({
    code_interpreter: z.strictObject({ file_ids: z.array(z.string()).max(LIMITS.codeInterpreterFiles).optional() }).optional(),
    file_search: z
      .strictObject({
        vector_store_ids: z.array(z.string()).max(1).optional(),
        vector_stores: z
          .array(z.strictObject({ file_ids: z.array(z.string()).max(10_000).optional(), chunking_strategy: chunkingStrategy.optional(), metadata: metadataSchema.optional() }))
          .max(1)
          .optional(),
      })
      .optional(),
  })
  .nullable();

export const responseFormatSchema = z.union([
  z.literal('auto'),
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional() }),
  }),
]);

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string() }) }),
  z.strictObject({ type: z.enum(['code_interpreter', 'file_search']) }),
]);

export const truncationSchema = z.strictObject({ type: z.enum(['auto', 'last_messages']), last_messages: z.number().int().min(1, INT).nullable().optional() });

export const temperatureSchema = z.number().min(0).max(2).nullable();
export const topPSchema = z.number().min(0).max(1).nullable();
export const instructionsSchema = z.string().max(LIMITS.instructions).nullable();

const contentPart = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({ type: z.literal('image_file'), image_file: z.strictObject({ file_id: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }) }),
  z.strictObject({ type: z.literal('image_url'), image_url: z.strictObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }) }),
]);

export const attachmentsSchema = z
  .array(
    z.strictObject({
      file_id: z.string(),
      tools: z.array(z.discriminatedUnion('type', [z.strictObject({ type: z.literal('code_interpreter') }), z.strictObject({ type: z.literal('file_search') })])).optional(),
    }),
  )
  .max(LIMITS.attachments)
  .nullable();

export const createMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string().max(LIMITS.instructions), z.array(contentPart).min(1)]),
  attachments: attachmentsSchema.optional(),
  metadata: metadataSchema.optional(),
});

export type CreateMessageBody = z.output<typeof createMessageSchema>;
export type ToolResourcesBody = z.output<typeof toolResourcesSchema>;
