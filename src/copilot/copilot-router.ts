// The router startRun uses for `auto`: classification and direct answers over one client and model.
import type OpenAI from 'openai';
import type { AssistantDefinition } from '../assistants';
import { answerDirectly, type DirectAnswer } from './answer-directly';
import { classifyIntent } from './classify-intent';

export interface CopilotRouter {
  /** An assistant key among the definitions, or `other`. */
  classify(content: string): Promise<string>;
  /** A plain chat answer for `other`. */
  answer(content: string): Promise<DirectAnswer>;
}

export function createCopilotRouter(options: { client: OpenAI; model: string; definitions: readonly AssistantDefinition[] }): CopilotRouter {
  const { client, model } = options;
  const candidates = options.definitions.map((def) => ({ key: def.key, intent: def.intent }));
  return {
    classify: (content) => classifyIntent({ client, model, candidates }, content),
    answer: (content) => answerDirectly({ client, model }, content),
  };
}
