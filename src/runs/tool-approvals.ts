// Human approval of server tool calls. A definition marks a tool `"approval": "required"`; each call of it then
// waits, with the run in requires_action, until the run's owner approves or denies it (POST …/tool_approvals).
// An approved call is executed by the worker like any other (same claim, exactly once); a denied one is never
// executed and the model receives a refusal as its output. Pending approvals expire with the run. Nothing here
// depends on the upstream protocol: the decision lives in the ledger and the worker acts on it.
import { toolsNeedingApproval, type AssistantDefinition } from '../assistants';

/** Longest reason a person may give with a denial (it reaches the model inside the refusal output). */
export const MAX_DENIAL_REASON_CHARS = 1_000;

/** Whether calls of `tool` by a run of `assistantKey` need approval, from the definitions in assistants/. */
export function approvalPolicy(definitions: Array<Pick<AssistantDefinition, 'key' | 'tools'> & Partial<Pick<AssistantDefinition, 'mcpServers'>>>): (assistantKey: string, tool: string) => boolean {
  const byKey = new Map(definitions.map((definition) => [definition.key, toolsNeedingApproval(definition)]));
  return (assistantKey, tool) => byKey.get(assistantKey)?.has(tool) ?? false;
}

/** The output the model gets for a call the person refused. */
export function denialOutput(tool: string, reason?: string): string {
  return JSON.stringify({
    error: 'denied_by_user',
    message: `The user declined this ${tool} call, so it was not executed.${reason ? ` Their reason: ${reason}` : ''} Do not retry it unless the user asks.`,
  });
}
