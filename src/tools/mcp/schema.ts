// An MCP tool (tools/list) as the function tool the model is offered: its inputSchema is already a JSON schema
// object, which function calling takes as `parameters` (without `$schema`); the description is cut to what
// function declarations hold.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FunctionParameters } from 'openai/resources/shared';

/** Longest function description sent upstream. */
export const MAX_FUNCTION_DESCRIPTION_CHARS = 1_024;

export function mcpToolDeclaration(tool: Pick<Tool, 'name' | 'title' | 'description' | 'inputSchema' | 'annotations'>): { description: string; parameters: FunctionParameters } {
  const { $schema: _dialect, ...schema } = tool.inputSchema as Record<string, unknown>;
  const text = tool.description?.trim() || tool.title || tool.annotations?.title || tool.name;
  return {
    description: text.length > MAX_FUNCTION_DESCRIPTION_CHARS ? `${text.slice(0, MAX_FUNCTION_DESCRIPTION_CHARS - 1)}…` : text,
    // `properties` is optional in MCP and required by some function-calling services.
    parameters: { ...schema, type: 'object', properties: (schema.properties as Record<string, unknown> | undefined) ?? {} },
  };
}
