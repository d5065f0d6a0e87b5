// Run steps over Responses: the output items of the run's chain, oldest first — a message item is a
// message_creation step, function/code interpreter/file search calls are tool_calls steps. Item ids are mapped
// into the API's step id shape (ids.ts).
import type OpenAI from 'openai';
import type { Response, ResponseOutputItem } from 'openai/resources/responses/responses';
import type { Ledger } from '../../store/ledger';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { RunStepSummary, UpstreamRunSteps } from '../port';
import { stepIdOf } from './ids';

export function createResponsesSteps(deps: { client: OpenAI; ledger: Ledger }): UpstreamRunSteps {
  return {
    async list(threadId, upstreamRunId, query) {
      const first = await deps.client.responses.retrieve(upstreamRunId);
      const runId = first.metadata?.[METADATA_KEYS.runId];
      const run = runId ? await deps.ledger.getRun(threadId, runId) : null;
      const chain = run?.upstreamRunIds?.length ? run.upstreamRunIds : [first.id];
      const responses = await Promise.all(chain.map((id) => (id === first.id ? first : deps.client.responses.retrieve(id))));
      const steps = responses.flatMap((response) => mergeParallelCalls(response.output.flatMap((item) => stepOf(response, item))));
      if (query.order === 'desc') steps.reverse();
      const start = query.after ? steps.findIndex((step) => step.id === query.after) + 1 : 0;
      return { data: steps.slice(start, start + query.limit), hasMore: steps.length > start + query.limit };
    },
  };
}

export function stepOf(response: Pick<Response, 'created_at' | 'completed_at' | 'status'>, item: ResponseOutputItem): RunStepSummary[] {
  const base = {
    id: stepIdOf(item.id ?? ''),
    status: stepStatus('status' in item ? (item.status ?? undefined) : undefined, response.status),
    created_at: response.created_at,
    completed_at: response.completed_at ?? null,
  };
  switch (item.type) {
    case 'message':
      return [{ ...base, type: 'message_creation', message_id: item.id, tool_calls: [] }];
    case 'function_call':
      return [{ ...base, type: 'tool_calls', message_id: null, tool_calls: [{ id: item.call_id, type: 'function', name: item.name }] }];
    case 'code_interpreter_call':
      return [{ ...base, type: 'tool_calls', message_id: null, tool_calls: [{ id: item.id, type: 'code_interpreter', name: null }] }];
    case 'file_search_call':
      return [{ ...base, type: 'tool_calls', message_id: null, tool_calls: [{ id: item.id, type: 'file_search', name: null }] }];
    default:
      return [];
  }
}

/**
 * Function calls a response makes side by side are one step, as the Assistants protocol shows parallel calls:
 * consecutive function-call steps of one response fold into the first (its id names the step).
 */
export function mergeParallelCalls(steps: RunStepSummary[]): RunStepSummary[] {
  const merged: RunStepSummary[] = [];
  const isFunctionStep = (step: RunStepSummary | undefined) => step?.type === 'tool_calls' && step.tool_calls.every((call) => call.type === 'function');
  for (const step of steps) {
    const last = merged.at(-1);
    if (last && isFunctionStep(last) && isFunctionStep(step)) merged[merged.length - 1] = { ...last, tool_calls: [...last.tool_calls, ...step.tool_calls] };
    else merged.push(step);
  }
  return merged;
}

/** Item statuses in the Assistants step vocabulary (in_progress, completed, cancelled, failed, expired). */
function stepStatus(itemStatus: string | undefined, responseStatus: Response['status']): string {
  if (itemStatus === 'completed') return 'completed';
  if (itemStatus === 'incomplete') return responseStatus === 'cancelled' ? 'cancelled' : 'failed';
  if (itemStatus === 'failed') return 'failed';
  return responseStatus === 'completed' ? 'completed' : 'in_progress';
}
