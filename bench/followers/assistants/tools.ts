// What the hand-written followers answer for tool calls: a fixed output per call (the tool's work is not measured).
import type { Run } from 'openai/resources/beta/threads/runs/runs';

export function fixedOutputs(run: Run): Array<{ tool_call_id: string; output: string }> {
  return (run.required_action?.submit_tool_outputs.tool_calls ?? []).map((call) => ({ tool_call_id: call.id, output: '{"ok":true}' }));
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);
