// Copilot router: `auto` picks an assistant from the message by intent, or answers directly (`other`).
export { AUTO_ASSISTANT, OTHER_ROUTE } from './constants';
export { classifyIntent, parseRoute, routeKeys, routerPrompt, MAX_ROUTED_CHARS, type ClassifyDeps, type RouteCandidate } from './classify-intent';
export { answerDirectly, DIRECT_ANSWER_SYSTEM_PROMPT, type DirectAnswer } from './answer-directly';
export { createCopilotRouter, type CopilotRouter } from './copilot-router';
export { chooseAssistant, type ChooseDeps, type ChosenAssistant } from './choose-assistant';
export { answerOnThread, type DirectRunDeps, type DirectRunInput } from './direct-run';
export { chatCompletionsModel, responsesModel, textModelFor, type TextAnswer, type TextModel, type TextPrompt } from './text-model';
