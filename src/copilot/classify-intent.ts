// The copilot router's choice (the training's two-agent copilot, generalised): one chat completion
// reads the user's message against each assistant's `intent` and names one assistant key, or `other`.
import { classifyUpstreamError } from '../upstream/errors';
import { AUTO_ASSISTANT, OTHER_ROUTE } from './constants';
import type { TextModel, TextPrompt } from './text-model';

export interface RouteCandidate {
  key: string;
  intent: string;
}

export interface ClassifyDeps {
  /** The model call (chat completions or Responses, src/copilot/text-model.ts). */
  model: TextModel;
  candidates: readonly RouteCandidate[];
}

/** Only the start of a long message is routed on: its topic shows early, and the prompt stays cheap. */
export const MAX_ROUTED_CHARS = 4_000;
/** A model may prefix its answer with a label ("Key: trading"); the label is not the answer. */
const LABEL = /^(?:key|assistant|answer|route|intent)\s*[:=]\s*/;

/** Assistant keys the router may choose: reserved names are never candidates. */
export function routeKeys(candidates: readonly RouteCandidate[]): string[] {
  return candidates.map((c) => c.key).filter((key) => key !== AUTO_ASSISTANT && key !== OTHER_ROUTE);
}

/** The routing prompt: the assistants and the answer format (system), and the start of the message (user). */
export function routerPrompt(candidates: readonly RouteCandidate[], content: string): TextPrompt {
  const keys = routeKeys(candidates);
  const listed = candidates.filter((c) => keys.includes(c.key)).map((c) => `- ${c.key}: ${c.intent.replace(/\s+/g, ' ').trim()}`);
  const system = [
    "You route a user's message to the assistant best suited to answer it.",
    'The assistants, as "key: what it is for":',
    ...listed,
    `- ${OTHER_ROUTE}: anything none of the assistants above is for, such as greetings, small talk or general chat.`,
    `Answer with exactly one key from this list and nothing else: ${[...keys, OTHER_ROUTE].join(', ')}.`,
  ].join('\n');
  // temperature 0: the same message should reach the same assistant.
  return { system, user: content.slice(0, MAX_ROUTED_CHARS), temperature: 0 };
}

/** The model's answer → a known key, or `other` for anything else (models add quotes, periods, labels, prose). */
export function parseRoute(answer: string | null | undefined, keys: readonly string[]): string {
  const firstLine = (answer ?? '').trim().split(/\r?\n/, 1)[0] ?? '';
  const word = firstLine
    .toLowerCase()
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .replace(LABEL, '')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[\s_]+/g, '-');
  return keys.includes(word) ? word : OTHER_ROUTE;
}

/** One model call; returns an assistant key from the candidates, or `other`. */
export async function classifyIntent(deps: ClassifyDeps, content: string): Promise<string> {
  const answer = await deps.model.complete(routerPrompt(deps.candidates, content)).catch((error: unknown) => Promise.reject(classifyUpstreamError(error)));
  return parseRoute(answer.text, routeKeys(deps.candidates));
}
