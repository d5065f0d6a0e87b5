// The Assistants run lifecycle, as the protocol defines it, plus our own pre-upstream state.
import type { RunStatus } from 'openai/resources/beta/threads/runs/runs';

export type UpstreamRunStatus = RunStatus;

/** Statuses a run never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Events frontends receive over SSE and find in the ledger's run events. */
export type RunEventType =
  | 'run.status'
  | 'run.tool_call'
  | 'run.tool_output'
  | 'run.requires_client_action'
  | 'message.delta'
  | 'message.completed';
