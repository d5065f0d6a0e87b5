// `other`: no assistant fits, so a plain model call answers the message (no run, no tools).
import { AppError } from '../errors';
import { classifyUpstreamError } from '../upstream/errors';
import type { TextAnswer, TextModel } from './text-model';

export const DIRECT_ANSWER_SYSTEM_PROMPT = 'You are a helpful assistant. Answer clearly and concisely.';

export type DirectAnswer = TextAnswer;

export async function answerDirectly(deps: { model: TextModel }, content: string): Promise<DirectAnswer> {
  const answer = await deps.model.complete({ system: DIRECT_ANSWER_SYSTEM_PROMPT, user: content }).catch((error: unknown) => Promise.reject(classifyUpstreamError(error)));
  // An empty message cannot be stored on the thread, and inventing a reply would mislead the user.
  if (!answer.text) throw new AppError('upstream_error', 'The model returned no answer.', 502);
  return answer;
}
