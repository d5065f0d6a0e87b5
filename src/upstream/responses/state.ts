// A response of the run's chain, as the worker sees the run: protocol-neutral states (src/runs/upstream-runs.ts).
// A completed response that asks for function calls is the run's `requires_action`. Responses have no expiry of
// their own, so the app enforces one: a run waiting on tool outputs expires a window after the response completed
// (RUN_ACTION_TIMEOUT, by default the Assistants protocol's 10 minutes, so frontends see the same deadline on both).
import type { Response, ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import type { RunStatus } from '../../runs/run-facts';
import type { UpstreamRunState } from '../../runs/upstream-runs';

export const TOOL_OUTPUT_WINDOW_MS = 10 * 60_000;

type ResponseView = Pick<Response, 'id' | 'status' | 'output' | 'error' | 'incomplete_details' | 'usage' | 'created_at' | 'completed_at'>;

export function functionCallsOf(response: Pick<Response, 'output'>): ResponseFunctionToolCall[] {
  return response.output.filter((item): item is ResponseFunctionToolCall => item.type === 'function_call');
}

/** When a response asking for outputs stops taking them (epoch ms), or undefined if it asks for none. */
export function outputDeadline(response: ResponseView, windowMs = TOOL_OUTPUT_WINDOW_MS): number | undefined {
  if (response.status !== 'completed' || functionCallsOf(response).length === 0) return undefined;
  return ((response.completed_at ?? response.created_at) * 1000) + windowMs;
}

export function responseState(response: ResponseView, now: number, windowMs = TOOL_OUTPUT_WINDOW_MS): UpstreamRunState {
  const calls = response.status === 'completed' ? functionCallsOf(response) : [];
  const expiresAt = outputDeadline(response, windowMs);
  let status: RunStatus = STATUS[response.status ?? 'in_progress'];
  if (calls.length) status = expiresAt !== undefined && now >= expiresAt ? 'expired' : 'requires_action';
  // Like an Assistants run, an incomplete one has no last_error (only failed ones do).
  const usage = response.usage;
  return {
    id: response.id,
    status,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(usage ? { usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens } } : {}),
    ...(response.status === 'failed' ? { lastError: { code: response.error?.code ?? 'server_error', message: response.error?.message ?? 'The response failed.' } } : {}),
    toolCalls: status === 'requires_action' ? calls.map((call) => ({ id: call.call_id, name: call.name, arguments: call.arguments })) : [],
  };
}

const STATUS: Record<NonNullable<Response['status']>, RunStatus> = {
  queued: 'queued',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  incomplete: 'incomplete',
  cancelled: 'cancelled',
};
