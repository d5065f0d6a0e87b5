// The upstream port (../port.ts) over the Responses + Conversations protocol.
// PLACEHOLDER while the adapter is written on its own branch; the composition root must not select it yet.
import type OpenAI from 'openai';
import type { AssistantDefinition, AssistantResolver } from '../../assistants';
import type { FunctionTool } from 'openai/resources/beta/assistants';
import type { Ledger } from '../../store/ledger';
import type { Logger } from '../../logging';
import type { Upstream } from '../port';

export interface ResponsesUpstreamDeps {
  client: OpenAI;
  /** This deployment's DEPLOYMENT_ID: tags every conversation, container and vector store it creates. */
  deploymentId: string;
  definitions: AssistantDefinition[];
  /** Model deployment for definitions that name none (MODEL_DEPLOYMENT). */
  defaultModel: string;
  /** Function tool declarations by registry name (the tool registry's functionTools). */
  functionTools(names: string[]): FunctionTool[];
  /** The adapter's own bookkeeping (thread → conversation and tool resources, run → response chain). */
  ledger: Ledger;
  logger: Logger;
  now: () => number;
}

export function createResponsesUpstream(deps: ResponsesUpstreamDeps): { upstream: Upstream; assistants: AssistantResolver } {
  void deps;
  throw new Error('The Responses adapter is not built yet.');
}
