// The upstream port (../port.ts) over the Responses + Conversations protocol (OpenAI, Azure OpenAI v1, Foundry,
// the local server). One file per concern:
//   threads.ts      conversations, user messages (attachments.ts: their tool resources), listing and attribution
//   runs.ts         the worker's runs port: a run is a chain of background responses (stream.ts: events → updates,
//                   state.ts: response → run state, app-enforced expiry)
//   request.ts      what every response of a chain is sent (the definition's model, instructions, tools)
//   messages.ts     conversation/output message items → the Assistants Message shape
//   steps.ts, files.ts, assistants.ts (the resolver), bindings.ts (the ledger bookkeeping), ids.ts
import type OpenAI from 'openai';
import type { AssistantDefinition, AssistantResolver } from '../../assistants';
import type { FunctionTool } from 'openai/resources/beta/assistants';
import type { Ledger } from '../../store/ledger';
import type { Logger } from '../../logging';
import type { Upstream } from '../port';
import { TOOL_OUTPUT_WINDOW_MS } from './state';
import { createDefinitionResolver } from './assistants';
import { createBindings } from './bindings';
import { endedResponses } from './ended';
import { createResponsesFiles } from './files';
import { createRequestBuilder } from './request';
import { createResponsesRuns } from './runs';
import { createResponsesSteps } from './steps';
import { createResponsesThreads } from './threads';

export interface ResponsesUpstreamDeps {
  client: OpenAI;
  /** This deployment's DEPLOYMENT_ID: tags every conversation, container and vector store it creates. */
  deploymentId: string;
  definitions: AssistantDefinition[];
  /** Model deployment for definitions that name none (MODEL_DEPLOYMENT). */
  defaultModel: string;
  /** Function tool declarations by registry name (the tool registry's functionTools). */
  functionTools(names: string[]): FunctionTool[] | Promise<FunctionTool[]>;
  /** The data folder the definitions' files come from (their upload names carry their content hash). */
  dataDir: string;
  /** The adapter's own bookkeeping (thread → conversation and tool resources, run → response chain). */
  ledger: Ledger;
  logger: Logger;
  now: () => number;
  /** How long a run waiting on tool outputs or approvals takes them before it expires (default 10 minutes). */
  actionTimeoutMs?: number;
}

export function createResponsesUpstream(deps: ResponsesUpstreamDeps): { upstream: Upstream; assistants: AssistantResolver } {
  const { client, ledger, logger, now, deploymentId } = deps;
  const bindings = createBindings(ledger);
  const requests = createRequestBuilder({
    client,
    deploymentId,
    defaultModel: deps.defaultModel,
    definitions: new Map(deps.definitions.map((definition) => [definition.key, definition])),
    functionTools: deps.functionTools,
    dataDir: deps.dataDir,
    now,
  });
  const upstream: Upstream = {
    protocol: 'responses',
    threads: createResponsesThreads({ client, bindings, ledger, deploymentId, logger, now }),
    runs: createResponsesRuns({ client, ledger, bindings, requests, logger, now, actionTimeoutMs: deps.actionTimeoutMs ?? TOOL_OUTPUT_WINDOW_MS, ended: endedResponses(client) }),
    steps: createResponsesSteps({ client, ledger }),
    files: createResponsesFiles(client),
    async probe(signal) {
      // Listing one file is cheap, needs credentials and exists on OpenAI, Azure OpenAI v1 and Foundry projects alike.
      await client.files.list({ limit: 1 }, { signal, maxRetries: 0 });
    },
  };
  return { upstream, assistants: createDefinitionResolver(deps.definitions) };
}
