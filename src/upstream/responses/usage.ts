// A run's usage is its whole chain's: the tokens of every response, as an Assistants run counts all its steps.
// Summed once, when the run ends (earlier responses are read then, usually from this process's memory: ended.ts).
import type { Response } from 'openai/resources/responses/responses';
import type { RunUsage } from '../../store/ledger';
import { isTerminal } from '../../runs/run-facts';
import type { UpstreamRunState } from '../../runs/upstream-runs';
import type { EndedResponses } from './ended';

export async function withChainUsage(ended: EndedResponses, state: UpstreamRunState, newest: Pick<Response, 'id'>, chain: readonly string[] | undefined): Promise<UpstreamRunState> {
  const earlier = (chain ?? []).filter((id) => id !== newest.id);
  if (!isTerminal(state.status) || !state.usage || earlier.length === 0) return state;
  const usages = (await Promise.all(earlier.map((id) => ended.retrieve(id)))).map((response) => response.usage);
  const total: RunUsage = { ...state.usage };
  for (const usage of usages) {
    if (!usage) continue;
    total.prompt_tokens += usage.input_tokens;
    total.completion_tokens += usage.output_tokens;
    total.total_tokens += usage.total_tokens;
  }
  return { ...state, usage: total };
}
