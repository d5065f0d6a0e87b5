// A run carries its assistant's model, instructions and tools unless the request overrides them.
import type { RunSettings } from '../../engine/run-engine';
import type { Assistant } from '../../store/wire-types';
import type { RunOverrides } from './validation';

export function runSettings(assistant: Assistant, body: RunOverrides): RunSettings {
  const base = body.instructions ?? assistant.instructions ?? '';
  const extra = 'additional_instructions' in body ? body.additional_instructions : undefined;
  return {
    assistant_id: assistant.id,
    model: body.model ?? assistant.model,
    instructions: extra ? (base ? `${base}\n${extra}` : extra) : base,
    tools: body.tools ?? assistant.tools,
    metadata: body.metadata ?? {},
    temperature: body.temperature ?? assistant.temperature ?? 1,
    top_p: body.top_p ?? assistant.top_p ?? 1,
    max_prompt_tokens: body.max_prompt_tokens ?? null,
    max_completion_tokens: body.max_completion_tokens ?? null,
    truncation_strategy: body.truncation_strategy
      ? { type: body.truncation_strategy.type, last_messages: body.truncation_strategy.last_messages ?? null }
      : { type: 'auto', last_messages: null },
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    response_format: body.response_format ?? assistant.response_format ?? 'auto',
  };
}
