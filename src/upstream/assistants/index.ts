// The upstream port (../port.ts) over the Assistants protocol: the local server and Foundry Agent Service
// classic. Assistants are upstream objects here, synced from assistants/*.json and resolved by key
// (src/assistants/resolver.ts); the composition root pairs this adapter with that resolver.
import type OpenAI from 'openai';
import type { Upstream } from '../port';
import { createAssistantsFiles } from './files';
import { createAssistantsRuns } from './runs';
import { createAssistantsSteps } from './steps';
import { createAssistantsThreads } from './threads';

export { createAssistantsRuns, runState } from './runs';

export function createAssistantsUpstream(client: OpenAI, deploymentId: string): Upstream {
  return {
    protocol: 'assistants',
    threads: createAssistantsThreads(client, deploymentId),
    runs: createAssistantsRuns(client, deploymentId),
    steps: createAssistantsSteps(client),
    files: createAssistantsFiles(client),
    async probe(signal) {
      // The cheapest authenticated call of the protocol; no retries, health has its own timeout.
      await client.beta.assistants.list({ limit: 1 }, { signal, maxRetries: 0 });
    },
  };
}
