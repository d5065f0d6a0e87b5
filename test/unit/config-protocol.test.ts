// Which protocol each provider speaks (src/upstream/providers.ts) and how settings choose it: Responses by
// default everywhere, Assistants only on local and foundry-classic, with the retirement dates in the errors
// and the warning.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { ASSISTANTS_RETIRED_ON, FOUNDRY_CLASSIC_RETIRES_ON, PROVIDER_PROTOCOLS, PROVIDERS, retirementWarning } from '../../src/upstream/providers';

const STORAGE = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
const ENDPOINTS: Record<string, Record<string, string>> = {
  local: {},
  openai: { ASSISTANTS_API_KEY: 'sk-test' },
  'azure-openai': { ASSISTANTS_ENDPOINT: 'https://r.openai.azure.com/' },
  foundry: { ASSISTANTS_ENDPOINT: 'https://r.services.ai.azure.com/api/projects/p' },
  'foundry-classic': { ASSISTANTS_ENDPOINT: 'https://r.services.ai.azure.com/api/projects/p' },
};
const settings = (provider: string, extra: Record<string, string> = {}) => ({ ...STORAGE, ASSISTANTS_PROVIDER: provider, ...ENDPOINTS[provider], ...extra });

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the upstream protocol', () => {
  it.each([
    ['local', 'responses'],
    ['openai', 'responses'],
    ['azure-openai', 'responses'],
    ['foundry', 'responses'],
    ['foundry-classic', 'assistants'],
  ])('%s speaks %s by default', (provider, protocol) => {
    expect(loadConfig(settings(provider)).protocol).toBe(protocol);
  });

  it('is chosen by UPSTREAM_PROTOCOL on local, either way', () => {
    expect(loadConfig({ UPSTREAM_PROTOCOL: 'assistants' })).toMatchObject({ provider: 'local', protocol: 'assistants' });
    expect(loadConfig({ UPSTREAM_PROTOCOL: 'responses' })).toMatchObject({ provider: 'local', protocol: 'responses' });
  });

  it.each(['openai', 'azure-openai'])('refuses the Assistants protocol on %s, naming the day it was retired', (provider) => {
    expect(problems(settings(provider, { UPSTREAM_PROTOCOL: 'assistants' }))).toEqual([expect.stringContaining(`retired the Assistants protocol on ${ASSISTANTS_RETIRED_ON}`)]);
    expect(ASSISTANTS_RETIRED_ON).toBe('2026-08-26');
  });

  it('sends Assistants on Foundry to foundry-classic, and Responses on foundry-classic to foundry', () => {
    expect(problems(settings('foundry', { UPSTREAM_PROTOCOL: 'assistants' }))).toEqual([expect.stringContaining('ASSISTANTS_PROVIDER=foundry-classic')]);
    expect(problems(settings('foundry-classic', { UPSTREAM_PROTOCOL: 'responses' }))).toEqual([expect.stringContaining('foundry-classic speaks only assistants')]);
  });

  it('rejects a protocol it does not know', () => {
    expect(problems({ UPSTREAM_PROTOCOL: 'grpc' })).toEqual([expect.stringContaining('UPSTREAM_PROTOCOL')]);
  });

  it("selects azure-openai on Responses from the training's .env names, OPENAI_VERSION accepted but not needed", () => {
    const config = loadConfig({ ...STORAGE, OPENAI_URI: 'https://r.openai.azure.com/', OPENAI_KEY: 'k', OPENAI_GPT_DEPLOYMENT: 'gpt-4o-mini', OPENAI_VERSION: '2024-05-01-preview', EMAIL_URI: 'https://logic.example/x?sig=1' });
    expect(config).toMatchObject({ provider: 'azure-openai', protocol: 'responses', MODEL_DEPLOYMENT: 'gpt-4o-mini' });
    expect(loadConfig({ ...STORAGE, OPENAI_URI: 'https://r.openai.azure.com/' })).toMatchObject({ provider: 'azure-openai', protocol: 'responses' });
  });

  it('lists a default protocol for every provider', () => {
    for (const provider of PROVIDERS) expect(PROVIDER_PROTOCOLS[provider].length).toBeGreaterThan(0);
  });
});

describe('retirementWarning', () => {
  it('warns for foundry-classic with its retirement date, and for no other provider', () => {
    expect(FOUNDRY_CLASSIC_RETIRES_ON).toBe('2027-03-31');
    expect(retirementWarning('foundry-classic')).toContain('2027-03-31');
    for (const provider of PROVIDERS.filter((p) => p !== 'foundry-classic')) expect(retirementWarning(provider)).toBeNull();
  });
});
