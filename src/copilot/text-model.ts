// The copilot router's one model call (classify a message, answer it directly), over either protocol:
// chat completions where the upstream speaks Assistants, an unstored Responses call where it speaks Responses
// (OpenAI, Azure OpenAI v1 and Foundry all serve `responses.create`, not all serve chat completions).
import type OpenAI from 'openai';
import type { UpstreamProtocol } from '../upstream/port';
import type { RunUsage } from '../store/ledger';

export interface TextPrompt {
  system: string;
  user: string;
  temperature?: number;
}

export interface TextAnswer {
  /** The model's text, trimmed; empty when it wrote none. */
  text: string;
  usage?: RunUsage;
}

export interface TextModel {
  /** SDK errors pass through; the callers map them. */
  complete(prompt: TextPrompt): Promise<TextAnswer>;
}

export function chatCompletionsModel(client: OpenAI, model: string): TextModel {
  return {
    async complete({ system, user, temperature }) {
      const completion = await client.chat.completions.create({
        model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        ...(temperature === undefined ? {} : { temperature }),
      });
      const usage = completion.usage;
      return {
        text: completion.choices[0]?.message.content?.trim() ?? '',
        ...(usage ? { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } } : {}),
      };
    },
  };
}

export function responsesModel(client: OpenAI, model: string): TextModel {
  return {
    async complete({ system, user, temperature }) {
      // store:false: a routing decision or a small-talk answer is not worth a stored response the sweep must delete.
      const response = await client.responses.create({ model, instructions: system, input: user, store: false, ...(temperature === undefined ? {} : { temperature }) });
      const usage = response.usage;
      return {
        text: response.output_text.trim(),
        ...(usage ? { usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens } } : {}),
      };
    },
  };
}

/** The router's model for the upstream protocol. */
export function textModelFor(protocol: UpstreamProtocol, client: OpenAI, model: string): TextModel {
  return protocol === 'responses' ? responsesModel(client, model) : chatCompletionsModel(client, model);
}
