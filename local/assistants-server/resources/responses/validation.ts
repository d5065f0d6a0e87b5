// Request bodies of POST /responses (and the item forms conversations accept), with the service's limits.
import { z } from 'zod';
import { INT } from '../../http/validate';
import { instructionsSchema, metadataSchema, temperatureSchema, topPSchema } from '../shared-schemas';

const detail = z.enum(['low', 'high', 'auto']);
const inputText = z.strictObject({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: detail.default('auto'),
});
const inputFile = z.strictObject({
  type: z.literal('input_file'),
  file_id: z.string().nullable().optional(),
  file_data: z.string().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
const outputText = z.strictObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.record(z.string(), z.unknown())).default([]),
  logprobs: z.array(z.unknown()).optional(),
});
const refusal = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });
const itemStatus = z.enum(['in_progress', 'completed', 'incomplete']).optional();

export const messageInputSchema = z.strictObject({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile, outputText, refusal]))]),
  status: itemStatus,
});

const functionCallInput = z.strictObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: itemStatus,
});

const functionCallOutputInput = z.strictObject({
  type: z.literal('function_call_output'),
  id: z.string().optional(),
  call_id: z.string().min(1).max(64),
  output: z.union([z.string().max(10_485_760), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile]))]),
  status: itemStatus,
});

const itemReference = z.strictObject({ type: z.literal('item_reference'), id: z.string() });

export const inputItemSchema = z.union([messageInputSchema, functionCallInput, functionCallOutputInput, itemReference]);
export type InputItemBody = z.output<typeof inputItemSchema>;

const functionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "a name of letters, digits, '_' or '-' (at most 64)");

export const responseToolSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('function'),
    name: functionName,
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  }),
  z.strictObject({
    type: z.literal('code_interpreter'),
    container: z.union([
      z.string(),
      z.strictObject({ type: z.literal('auto'), file_ids: z.array(z.string()).max(50).optional(), memory_limit: z.enum(['1g', '4g', '16g', '64g']).nullable().optional() }),
    ]),
  }),
  z.strictObject({
    type: z.literal('file_search'),
    vector_store_ids: z.array(z.string()).max(2),
    max_num_results: z.number().int().min(1, INT).max(50, INT).optional(),
    ranking_options: z.strictObject({ ranker: z.enum(['auto', 'default-2024-11-15']).optional(), score_threshold: z.number().min(0).max(1).optional() }).optional(),
    filters: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
]);
export type ResponseToolBody = z.output<typeof responseToolSchema>;

export const INCLUDABLE = [
  'code_interpreter_call.outputs',
  'file_search_call.results',
  'message.input_image.image_url',
  'message.output_text.logprobs',
  'reasoning.encrypted_content',
  'computer_call_output.output.image_url',
  'web_search_call.action.sources',
] as const;

export const createResponseSchema = z.strictObject({
  model: z.string(),
  input: z.union([z.string(), z.array(inputItemSchema)]).optional(),
  instructions: instructionsSchema.optional(),
  previous_response_id: z.string().nullable().optional(),
  conversation: z.union([z.string(), z.strictObject({ id: z.string() })]).nullable().optional(),
  store: z.boolean().nullable().optional(),
  background: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_obfuscation: z.boolean().optional() }).nullable().optional(),
  tools: z.array(responseToolSchema).max(128).optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.strictObject({ type: z.literal('function'), name: z.string() }),
      z.strictObject({ type: z.enum(['code_interpreter', 'file_search']) }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().min(16, INT).nullable().optional(),
  max_tool_calls: z.number().int().min(1, INT).nullable().optional(),
  metadata: metadataSchema.optional(),
  temperature: temperatureSchema.optional(),
  top_p: topPSchema.optional(),
  top_logprobs: z.number().int().min(0, INT).max(20, INT).nullable().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  include: z.array(z.enum(INCLUDABLE)).nullable().optional(),
  text: z
    .strictObject({
      format: z
        .union([
          z.strictObject({ type: z.literal('text') }),
          z.strictObject({ type: z.literal('json_object') }),
          z.strictObject({
            type: z.literal('json_schema'),
            name: z.string(),
            schema: z.record(z.string(), z.unknown()),
            description: z.string().optional(),
            strict: z.boolean().nullable().optional(),
          }),
        ])
        .optional(),
      verbosity: z.enum(['low', 'medium', 'high']).nullable().optional(),
    })
    .optional(),
  reasoning: z.record(z.string(), z.unknown()).nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().max(64).optional(),
  prompt_cache_key: z.string().optional(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullable().optional(),
});
export type CreateResponseBody = z.output<typeof createResponseSchema>;
