// Which assistant a run uses: the key asked for, or for `auto` the router's choice.
import type { AssistantResolver, ResolvedAssistant } from '../assistants';
import { AUTO_ASSISTANT, OTHER_ROUTE } from './constants';
import type { CopilotRouter } from './copilot-router';

export type ChosenAssistant =
  | ({ direct: false; routedTo?: string } & ResolvedAssistant)
  /** `auto` found no fitting assistant: a plain chat completion answers (see direct-run.ts). */
  | { direct: true; routedTo: typeof OTHER_ROUTE; router: Pick<CopilotRouter, 'answer'> };

export interface ChooseDeps {
  assistants: Pick<AssistantResolver, 'resolve'>;
  /** Without a router `auto` is resolved like any key (and rejected as unknown). */
  router?: Pick<CopilotRouter, 'classify' | 'answer'>;
}

export async function chooseAssistant(deps: ChooseDeps, assistantKey: string, content: string): Promise<ChosenAssistant> {
  if (assistantKey !== AUTO_ASSISTANT || !deps.router) return { direct: false, ...(await deps.assistants.resolve(assistantKey)) };
  const routedTo = await deps.router.classify(content);
  if (routedTo === OTHER_ROUTE) return { direct: true, routedTo, router: deps.router };
  return { direct: false, routedTo, ...(await deps.assistants.resolve(routedTo)) };
}
