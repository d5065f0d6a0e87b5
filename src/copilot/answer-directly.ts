// `other`: no assistant fits, so a plain chat completion answers the message (no run, no tools).
import type OpenAI from 'openai';
import { AppError } from '../errors';
import type { RunUsage } from '../store/ledger';
import { classifyUpstreamError } from '../upstream';

export const DIRECT_ANSWER_SYSTEM_PROMPT = 'You are a helpful assistant. Answer clearly and concisely.';

export interface DirectAnswer {
  text: string;
  usage?: RunUsage;
}

export async function answerDirectly(deps: { client: OpenAI; model: string }, content: string): Promise<DirectAnswer> {
  const completion = await deps.client.chat.completions
    .create({
      model: deps.model,
      messages: [
        { role: 'system', content: DIRECT_ANSWER_SYSTEM_PROMPT },
        { role: 'user', content },
      ],
    })
    .catch((error: unknown) => Promise.reject(classifyUpstreamError(error)));
  const text = completion.choices[0]?.message.content?.trim();
  // An empty message cannot be stored on the thread, and inventing a reply would mislead the user.
  if (!text) throw new AppError('upstream_error', 'The model returned no answer.', 502);
  const usage = completion.usage;
  return { text, ...(usage ? { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } } : {}) };
}
