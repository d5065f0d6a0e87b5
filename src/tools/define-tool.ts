// Erases a tool's argument type so tools of different shapes share one registry list.
// Safe because the registry only ever calls execute with the output of the tool's own schema.
import type { RegisteredTool, ToolDefinition } from './types';

export function defineTool<Args>(definition: ToolDefinition<Args>): RegisteredTool {
  return { ...definition, execute: (args, ctx) => definition.execute(args as Args, ctx) };
}
