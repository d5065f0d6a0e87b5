// The Assistants direct followers' assistant (the workload's function tools) and their answer to its tool calls.
import type OpenAI from 'openai';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { CLIENT_TOOL, FIXED_TOOL_OUTPUT, SERVER_TOOL } from '../../workload';
import type { DirectContext } from '../types';

export async function createBenchAssistant(openai: OpenAI): Promise<string> {
  const assistant = await openai.beta.assistants.create({
    model: 'gpt-4o',
    name: 'bench',
    tools: [SERVER_TOOL, CLIENT_TOOL].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: {} } } })),
  });
  return assistant.id;
}

/** The assistant of the context; run.ts creates it on the Assistants stack only. */
export function benchAssistant(ctx: DirectContext): string {
  if (!ctx.assistantId) throw new Error(`the ${ctx.protocol} stack has no bench assistant: Assistants followers need the Assistants stack`);
  return ctx.assistantId;
}

export function fixedOutputs(run: Run): Array<{ tool_call_id: string; output: string }> {
  return (run.required_action?.submit_tool_outputs.tool_calls ?? []).map((call) => ({ tool_call_id: call.id, output: FIXED_TOOL_OUTPUT }));
}
