// Request bodies of the run endpoints.
import { z } from 'zod';
import { INT } from '../../http/validate';
import { reasoningEffortSchema } from '../assistants/validation';
import {
  LIMITS,
  createMessageSchema,
  instructionsSchema,
  metadataSchema,
  responseFormatSchema,
  temperatureSchema,
  toolChoiceSchema,
  toolResourcesSchema,
  toolSchema,
  topPSchema,
  truncationSchema,
} from '../shared-schemas';
import { createThreadSchema } from '../threads/validation';

/** Settings a run may override; shared by create run and create-thread-and-run. */
const runFields = {
  assistant_id: z.string(),
  model: z.string().nullable().optional(),
  reasoning_effort: reasoningEffortSchema.optional(),
  instructions: instructionsSchema.optional(),
  tools: z.array(toolSchema).max(LIMITS.runTools).nullable().optional(),
  metadata: metadataSchema.optional(),
  temperature: temperatureSchema.optional(),
  top_p: topPSchema.optional(),
  stream: z.boolean().nullable().optional(),
  max_prompt_tokens: z.number().int().min(256, INT).nullable().optional(),
  max_completion_tokens: z.number().int().min(256, INT).nullable().optional(),
  truncation_strategy: truncationSchema.nullable().optional(),
  tool_choice: toolChoiceSchema.nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.nullable().optional(),
};

export const createRunSchema = z.strictObject({
  ...runFields,
  additional_instructions: z.string().max(LIMITS.instructions).nullable().optional(),
  additional_messages: z.array(createMessageSchema).nullable().optional(),
});

export const createThreadAndRunSchema = z.strictObject({
  ...runFields,
  thread: createThreadSchema.optional(),
  tool_resources: toolResourcesSchema.optional(),
});

export const modifyRunSchema = z.strictObject({ metadata: metadataSchema.optional() });

export const submitToolOutputsSchema = z.strictObject({
  tool_outputs: z.array(z.strictObject({ tool_call_id: z.string().optional(), output: z.string().optional() })),
  stream: z.boolean().nullable().optional(),
});

export type RunOverrides = z.output<typeof createRunSchema> | z.output<typeof createThreadAndRunSchema>;
