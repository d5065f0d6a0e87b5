// The facts about each upstream provider, in one place: which protocols it speaks (the first is its default),
// and the retirement dates of the Assistants protocol. config.ts validates settings against them, client.ts
// builds the client from them, and the runtime and health report the retirement warning from here.
import { UPSTREAM_PROTOCOLS, type UpstreamProtocol } from './port';

export { UPSTREAM_PROTOCOLS, type UpstreamProtocol };

export const PROVIDERS = ['local', 'openai', 'azure-openai', 'foundry', 'foundry-classic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** OpenAI and Azure OpenAI retired the Assistants protocol on this day. */
export const ASSISTANTS_RETIRED_ON = '2026-08-26';
/** Foundry Agent Service classic (the last live Assistants-protocol service) retires it on this day. */
export const FOUNDRY_CLASSIC_RETIRES_ON = '2027-03-31';

/** Protocols each provider speaks; the first one is used when UPSTREAM_PROTOCOL is not set. */
export const PROVIDER_PROTOCOLS: Readonly<Record<Provider, readonly UpstreamProtocol[]>> = {
  local: ['responses', 'assistants'],
  openai: ['responses'],
  'azure-openai': ['responses'],
  foundry: ['responses'],
  'foundry-classic': ['assistants'],
};

/** Why `provider` cannot speak `protocol`, or null when it can. */
export function protocolProblem(provider: Provider, protocol: UpstreamProtocol): string | null {
  if (PROVIDER_PROTOCOLS[provider].includes(protocol)) return null;
  if (protocol === 'assistants' && (provider === 'openai' || provider === 'azure-openai')) {
    return `UPSTREAM_PROTOCOL: ${provider} retired the Assistants protocol on ${ASSISTANTS_RETIRED_ON}; use responses (the default)`;
  }
  if (provider === 'foundry') return 'UPSTREAM_PROTOCOL: foundry speaks responses; for Foundry Agent Service classic (assistants) set ASSISTANTS_PROVIDER=foundry-classic';
  return `UPSTREAM_PROTOCOL: ${provider} speaks only ${PROVIDER_PROTOCOLS[provider].join(', ')}`;
}

/** The startup (and health) warning of a provider living on borrowed time, or null. */
export function retirementWarning(provider: Provider): string | null {
  if (provider !== 'foundry-classic') return null;
  return `foundry-classic runs on the Assistants protocol, which Foundry Agent Service classic retires on ${FOUNDRY_CLASSIC_RETIRES_ON}; move to ASSISTANTS_PROVIDER=foundry (Responses) before then.`;
}
