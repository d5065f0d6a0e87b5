// A local server per test file checked against the Responses spec, with SDK clients for the three URL
// styles of the Responses protocol: OpenAI `/v1`, Azure OpenAI v1 `/openai/v1` (api-key header) and the
// Foundry project endpoint `/api/projects/{project}/openai/v1` (bearer token).
import OpenAI, { AzureOpenAI } from 'openai';
import type { AssistantsServerOptions } from '../../../local/assistants-server';
import { useAssistantsServer, type Harness } from '../support/harness';

export interface ResponsesHarness extends Harness {
  styles: [string, () => OpenAI][];
  azureV1: () => OpenAI;
  foundryV1: () => OpenAI;
}

export function useResponsesServer(options: AssistantsServerOptions = {}): ResponsesHarness {
  const h = useAssistantsServer(options, 'responses') as ResponsesHarness;
  let azure: OpenAI | undefined;
  let foundry: OpenAI | undefined;
  const common = () => ({ fetch: h.fetch, maxRetries: 0, timeout: 30_000 });
  h.azureV1 = () => (azure ??= new AzureOpenAI({ ...common(), baseURL: `${h.url}/openai/v1`, apiKey: 'azure-key', apiVersion: 'preview' }));
  h.foundryV1 = () => (foundry ??= new OpenAI({ ...common(), baseURL: `${h.url}/api/projects/local-project/openai/v1`, apiKey: 'entra-token' }));
  h.styles = [
    ['OpenAI', () => h.openai],
    ['Azure OpenAI v1', () => h.azureV1()],
    ['Foundry project', () => h.foundryV1()],
  ];
  return h;
}

export const sendEmail: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'send_email',
  description: 'Send an email.',
  parameters: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' } }, required: ['to'] },
  strict: false,
};

export const stockPrice: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_stock_price',
  parameters: { type: 'object', properties: { symbol: { type: 'string' } } },
  strict: false,
};

/** Event types with runs of repeated deltas collapsed to one, for order assertions. */
export function collapse(types: string[]): string[] {
  return types.filter((t, i) => !(t.endsWith('.delta') && types[i - 1] === t));
}
