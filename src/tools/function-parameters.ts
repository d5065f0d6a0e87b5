// Converts a tool's zod schema into the JSON schema the Assistants API takes as function `parameters`.
import { z } from 'zod';
import type { FunctionParameters } from 'openai/resources/shared';

/**
 * Input-side schema (what the model must write; transforms such as upper-casing happen after),
 * draft-07 (the dialect function calling documents), without `$schema`, which the API does not need.
 * Throws when the schema is not a closed object: the model must not invent argument names.
 */
export function toFunctionParameters(toolName: string, schema: z.ZodType): FunctionParameters {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  if (json.type !== 'object' || json.additionalProperties !== false) {
    throw new Error(`Tool ${toolName}: parameters must be a z.strictObject (JSON schema object with additionalProperties false).`);
  }
  return { properties: {}, required: [], ...json };
}
