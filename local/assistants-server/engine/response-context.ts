// The Responses front-end's view for the model: the conversation's items (or the previous_response_id
// chain plus this input) and this response's output so far become the protocol-neutral TurnContext;
// truncation 'auto' drops the oldest entries until the context fits the window.
import { estimateTokens } from './usage';
import { transcriptOf } from '../resources/responses/items';
import { transcriptText, type ToolChoice, type TurnContext } from '../model/model';
import type { State, StoredResponse } from '../store/state';
import type { Response, ResponseItem } from '../store/wire-types';

/** The local model's context window, in (estimated) tokens. */
export const CONTEXT_WINDOW_TOKENS = 128_000;

/** Items the model reads: the conversation (or the previous_response_id chain), this input, this output so far. */
export function responseTurnContext(state: State, stored: StoredResponse): TurnContext {
  const { response, internal } = stored;
  const items = contextItems(state, stored);
  let transcript = transcriptOf(items);
  if (response.truncation === 'auto') {
    while (transcript.length > 1 && estimateTokens(transcriptText({ instructions: instructionsText(response), transcript })) > CONTEXT_WINDOW_TOKENS) transcript = transcript.slice(1);
  }
  const answered = new Set(internal.answeredCallIds);
  const justAnswered = transcript.flatMap((e) => (e.kind === 'calls' ? e.calls.filter((c) => answered.has(c.callId) && c.output !== null) : []));
  return {
    model: response.model,
    instructions: instructionsText(response),
    functions: response.tools.flatMap((t) => (t.type === 'function' ? [{ name: t.name, description: t.description, parameters: t.parameters }] : [])),
    builtins: response.tools.flatMap((t) => (t.type === 'code_interpreter' || t.type === 'file_search' ? [t.type] : [])),
    toolChoice: toolChoiceOf(response),
    parallelToolCalls: response.parallel_tool_calls,
    temperature: response.temperature,
    transcript,
    justAnswered,
    scope: { conversationId: response.conversation?.id },
  };
}

/** Items before and of a response, for the model: conversation items, or the previous_response_id chain plus this input. */
export function contextItems(state: State, stored: StoredResponse): ResponseItem[] {
  const { response } = stored;
  const conversationId = response.conversation?.id;
  if (conversationId) {
    const inConversation = [...state.itemsOf(conversationId).values()] as ResponseItem[];
    const seen = new Set(inConversation.map((i) => i.id));
    return [...inConversation, ...(response.output as ResponseItem[]).filter((i) => !seen.has(i.id))];
  }
  return [...chainItems(state.responses, response.previous_response_id ?? null), ...stored.inputItems, ...(response.output as ResponseItem[])];
}

/** Input and output items of a previous_response_id chain, oldest first. */
export function chainItems(responses: Map<string, StoredResponse>, id: string | null): ResponseItem[] {
  const out: ResponseItem[][] = [];
  for (let at = id; at; ) {
    const prev = responses.get(at);
    if (!prev) break;
    out.unshift([...prev.inputItems, ...(prev.response.output as ResponseItem[])]);
    at = prev.response.previous_response_id ?? null;
  }
  return out.flat();
}

function instructionsText(response: Response): string | null {
  return typeof response.instructions === 'string' ? response.instructions : null;
}

function toolChoiceOf(response: Response): ToolChoice {
  const choice = response.tool_choice;
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { function: choice.name };
  if (choice.type === 'code_interpreter' || choice.type === 'file_search') return { builtin: choice.type };
  return 'auto';
}
