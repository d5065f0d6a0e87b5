// Entra ID credentials for the Azure SDKs and the model service. @azure/identity (with MSAL) is loaded on the first
// credential asked for, not with the entry: a local or connection-string deployment never needs it, and requiring it
// is a large share of the entry's cold load (docs/BENCHMARKS.md).
import type { TokenCredential } from '@azure/identity';

type Identity = typeof import('@azure/identity');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: see above
const identity = (): Identity => require('@azure/identity') as Identity;

/** The managed identity (user-assigned when `clientId` is given); with `managed: false` and no id, DefaultAzureCredential. */
export function azureCredential(options: { clientId?: string; managed?: boolean } = {}): TokenCredential {
  const { DefaultAzureCredential, ManagedIdentityCredential } = identity();
  if (options.clientId) return new ManagedIdentityCredential({ clientId: options.clientId });
  return options.managed ? new ManagedIdentityCredential() : new DefaultAzureCredential();
}

/** A bearer-token provider for `scope` (the openai client's apiKey callback). */
export function bearerTokenProvider(credential: TokenCredential, scope: string): () => Promise<string> {
  return identity().getBearerTokenProvider(credential, scope);
}
