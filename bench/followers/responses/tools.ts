// The Responses direct followers' function tools (the workload's, as the Assistants bench assistant has them),
// and their answer to a response's function calls: one function_call_output per call, a fixed output.
import type { FunctionTool, Response, ResponseInputItem } from 'openai/resources/responses/responses';
import { CLIENT_TOOL, FIXED_TOOL_OUTPUT, SERVER_TOOL } from '../../workload';

export const MODEL = 'gpt-4o';

export const FUNCTION_TOOLS: FunctionTool[] = [SERVER_TOOL, CLIENT_TOOL].map((name) => ({
  type: 'function',
  name,
  parameters: { type: 'object', properties: {} },
  strict: false,
}));

/** A completed response with function calls is the chain's requires_action; these items answer it. */
export function fixedOutputs(response: Response): ResponseInputItem.FunctionCallOutput[] {
  if (response.status !== 'completed') return [];
  return response.output.flatMap((item) => (item.type === 'function_call' ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: FIXED_TOOL_OUTPUT }] : []));
}
