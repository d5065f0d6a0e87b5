// Turning a validated POST /responses body into a response ready to start: the previous_response_id
// chain or conversation is resolved, input becomes items, function outputs must answer known calls,
// the context must fit (truncation), code interpreter gets its container and tools are echoed as the
// service shows them.
import { CONTEXT_WINDOW_TOKENS, chainItems } from '../../engine/response-context';
import { estimateTokens } from '../../engine/usage';
import type { Services } from '../../http/context';
import { ApiError, invalidRequest } from '../../http/errors';
import { transcriptText } from '../../model/model';
import { newId } from '../../store/ids';
import type { StoredResponse } from '../../store/state';
import type { Response, ResponseItem, ResponseTool } from '../../store/wire-types';
import { createContainer, touchContainer } from '../containers/records';
import { findConversation } from '../conversations/records';
import { findVectorStore } from '../lookup';
import { toItem, transcriptOf, unansweredCalls } from './items';
import type { CreateResponseBody, ResponseToolBody } from './validation';

export const responseNotFound = (id: string) => new ApiError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, null);

export function findResponse(services: Services, id: string): StoredResponse {
  return services.store.state.responses.get(id) ?? throwError(responseNotFound(id));
}

/** An item stored with a response or a conversation, for `item_reference` inputs. */
function findItem(services: Services, id: string): ResponseItem | undefined {
  const { state } = services.store;
  for (const items of state.conversationItems.values()) {
    const found = items.get(id);
    if (found) return found as ResponseItem;
  }
  for (const stored of state.responses.values()) {
    const found = [...stored.inputItems, ...(stored.response.output as ResponseItem[])].find((i) => i.id === id);
    if (found) return found;
  }
  return undefined;
}

export function prepareResponse(services: Services, body: CreateResponseBody): { stored: StoredResponse; keep: boolean } {
  const { state } = services.store;
  const keep = body.store ?? true;
  if (body.background && !keep) throw invalidRequest('Background mode requires store=true.', 'background', 'invalid_value');
  if (body.previous_response_id && body.conversation) {
    throw invalidRequest("Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.", null, 'mutually_exclusive_parameters');
  }
  if (body.previous_response_id && !state.responses.has(body.previous_response_id)) {
    throw new ApiError(404, `Previous response with id '${body.previous_response_id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
  }
  const conversationId = body.conversation ? (typeof body.conversation === 'string' ? body.conversation : body.conversation.id) : null;
  if (conversationId) findConversation(services, conversationId, 'conversation');

  const rawInput = body.input === undefined ? [] : typeof body.input === 'string' ? [{ role: 'user' as const, content: body.input }] : body.input;
  const inputItems = rawInput.map((i) => toItem(i, (id) => findItem(services, id)));
  const prior = conversationId ? ([...state.itemsOf(conversationId).values()] as ResponseItem[]) : chainItems(state.responses, body.previous_response_id ?? null);
  checkFunctionOutputs([...prior, ...inputItems], inputItems);
  const tools = (body.tools ?? []).map((t) => echoTool(services, t));
  checkToolChoice(body, tools);

  const truncation = body.truncation ?? 'disabled';
  const instructions = body.instructions ?? null;
  if (truncation === 'disabled' && estimateTokens(transcriptText({ instructions, transcript: transcriptOf([...prior, ...inputItems]) })) > CONTEXT_WINDOW_TOKENS) {
    throw invalidRequest('Your input exceeds the context window of this model. Please adjust your input and try again.', 'input', 'context_length_exceeded');
  }
  const interpreter = (body.tools ?? []).find((t) => t.type === 'code_interpreter');
  let containerId: string | null = null;
  if (interpreter) {
    containerId =
      typeof interpreter.container === 'string'
        ? touchContainer(services, interpreter.container).id
        : createContainer(services, { name: 'Code Interpreter Container', fileIds: interpreter.container.file_ids, memoryLimit: interpreter.container.memory_limit ?? undefined }).id;
  }

  const response: Response = {
    id: newId.response(),
    object: 'response',
    created_at: services.clock.nowSeconds(),
    status: body.background ? 'queued' : 'in_progress',
    background: body.background ?? false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: (body.tool_choice ?? 'auto') as Response['tool_choice'],
    tools,
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation,
    metadata: body.metadata ?? {},
    conversation: conversationId ? { id: conversationId } : null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    safety_identifier: body.safety_identifier ?? null,
    ...(body.user !== undefined ? { user: body.user } : {}),
  };
  const answeredCallIds = inputItems.flatMap((i) => (i.type === 'function_call_output' ? [i.call_id] : []));
  if (conversationId) for (const item of inputItems) state.itemsOf(conversationId).set(item.id!, item as never);
  // Files code interpreter made in an earlier response of the same conversation or chain (e.g. a chart, before a
  // round of function calls) that no message has cited yet are cited by this response's next message.
  const carried: Array<{ containerId: string; fileId: string; filename: string }> = [];
  for (const earlier of state.responses.values()) {
    const sameContext = (conversationId && earlier.response.conversation?.id === conversationId) || earlier.response.id === body.previous_response_id;
    if (sameContext && earlier.internal.pendingCitations.length) carried.push(...earlier.internal.pendingCitations.splice(0));
  }
  return {
    keep,
    stored: {
      response,
      inputItems,
      internal: {
        generation: 0,
        events: [],
        include: body.include ?? [],
        containerId,
        pendingCitations: carried,
        pendingFileCitations: [],
        answeredCallIds,
        inputTokens: 0,
        outputTokens: 0,
        terminalAtMs: null,
      },
    },
  };
}

/** Function outputs must answer calls the context knows, and every call must have its output. */
function checkFunctionOutputs(all: ResponseItem[], input: ResponseItem[]): void {
  const calls = new Set(all.flatMap((i) => (i.type === 'function_call' ? [i.call_id] : [])));
  for (const item of input) {
    if (item.type === 'function_call_output' && !calls.has(item.call_id)) {
      throw invalidRequest(`No tool call found for function call output with call_id ${item.call_id}.`, 'input', null);
    }
  }
  const missing = unansweredCalls(all)[0];
  if (missing) throw invalidRequest(`No tool output found for function call ${missing}.`, 'input', null);
}

function checkToolChoice(body: CreateResponseBody, tools: ResponseTool[]): void {
  const choice = body.tool_choice;
  if (!choice || typeof choice === 'string') return;
  const found = choice.type === 'function' ? tools.some((t) => t.type === 'function' && t.name === choice.name) : tools.some((t) => t.type === choice.type);
  if (!found) throw invalidRequest(`Tool choice '${choice.type}' not found in 'tools' parameter.`, 'tool_choice', null);
}

function echoTool(services: Services, tool: ResponseToolBody): ResponseTool {
  if (tool.type === 'function') {
    return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true };
  }
  if (tool.type === 'file_search') {
    for (const id of tool.vector_store_ids) findVectorStore(services.store.state, id);
    return {
      type: 'file_search',
      vector_store_ids: tool.vector_store_ids,
      ...(tool.max_num_results !== undefined ? { max_num_results: tool.max_num_results } : {}),
      ...(tool.ranking_options ? { ranking_options: tool.ranking_options } : {}),
      ...(tool.filters ? { filters: tool.filters as never } : {}),
    };
  }
  return { type: 'code_interpreter', container: tool.container as never };
}

function throwError(error: Error): never {
  throw error;
}
