// The router startRun uses for `auto`: classification and direct answers over one model (text-model.ts).
import type { AssistantDefinition } from '../assistants';
import { answerDirectly, type DirectAnswer } from './answer-directly';
import { classifyIntent } from './classify-intent';
import type { TextModel } from './text-model';

export interface CopilotRouter {
  /** An assistant key among the definitions, or `other`. */
  classify(content: string): Promise<string>;
  /** A plain answer for `other`. */
  answer(content: string): Promise<DirectAnswer>;
}

export function createCopilotRouter(options: { model: TextModel; definitions: readonly AssistantDefinition[] }): CopilotRouter {
  const { model } = options;
  const candidates = options.definitions.map((def) => ({ key: def.key, intent: def.intent }));
  return {
    classify: (content) => classifyIntent({ model, candidates }, content),
    answer: (content) => answerDirectly({ model }, content),
  };
}
