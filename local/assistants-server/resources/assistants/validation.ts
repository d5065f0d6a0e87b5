// Request bodies of /assistants.
import { z } from 'zod';
import {
  LIMITS,
  instructionsSchema,
  metadataSchema,
  responseFormatSchema,
  temperatureSchema,
  toolResourcesSchema,
  toolSchema,
  topPSchema,
} from '../shared-schemas';

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable();

const fields = {
  name: z.string().max(LIMITS.name).nullable().optional(),
  description: z.string().max(LIMITS.description).nullable().optional(),
  instructions: instructionsSchema.optional(),
  reasoning_effort: reasoningEffortSchema.optional(),
  tools: z.array(toolSchema).max(LIMITS.assistantTools).optional(),
  tool_resources: toolResourcesSchema.optional(),
  metadata: metadataSchema.optional(),
  temperature: temperatureSchema.optional(),
  top_p: topPSchema.optional(),
  response_format: responseFormatSchema.nullable().optional(),
};

export const createAssistantSchema = z.strictObject({ model: z.string().min(1), ...fields });
export const modifyAssistantSchema = z.strictObject({ model: z.string().min(1).optional(), ...fields });
