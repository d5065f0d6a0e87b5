// How settings choose the identity mode: dev identity only for the local provider on local storage outside
// Azure; anything that looks like a real deployment resolves to (or insists on) cloud mode.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { describeAuth } from '../../src/api/auth/platform';

const REAL_STORAGE = {
  AzureWebJobsStorage__queueServiceUri: 'https://stprod.queue.core.windows.net',
  AzureWebJobsStorage__tableServiceUri: 'https://stprod.table.core.windows.net',
};
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('identity mode from settings', () => {
  it('is dev for the local provider on Azurite, outside Azure', () => {
    expect(loadConfig({}).authMode).toBe('dev');
    expect(loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).authMode).toBe('dev');
  });

  it('is cloud, never dev, with a real storage account even when the provider is local', () => {
    expect(loadConfig(REAL_STORAGE)).toMatchObject({ provider: 'local', authMode: 'cloud' });
    expect(loadConfig({ AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=stprod;AccountKey=abc;EndpointSuffix=core.windows.net' }).authMode).toBe('cloud');
  });

  it('refuses ASSISTANTS_ENDPOINT without a provider instead of quietly running the local one', () => {
    expect(problems({ ASSISTANTS_ENDPOINT: 'https://x.openai.azure.com/', ...REAL_STORAGE })).toEqual([expect.stringContaining('ASSISTANTS_PROVIDER: required when ASSISTANTS_ENDPOINT is set')]);
    // The training's OPENAI_URI keeps meaning azure-openai.
    expect(loadConfig({ OPENAI_URI: 'https://x.openai.azure.com/', ...REAL_STORAGE })).toMatchObject({ provider: 'azure-openai', authMode: 'cloud' });
  });

  it('refuses AUTH_MODE=dev in Azure (WEBSITE_INSTANCE_ID set) and with any non-local provider', () => {
    expect(problems({ AUTH_MODE: 'dev', WEBSITE_INSTANCE_ID: 'a1b2c3' })).toEqual([expect.stringContaining('refused in Azure')]);
    for (const provider of ['azure-openai', 'foundry', 'openai']) {
      expect(problems({ AUTH_MODE: 'dev', ASSISTANTS_PROVIDER: provider, ASSISTANTS_ENDPOINT: 'https://x.example.com/', ASSISTANTS_API_KEY: 'k', ...REAL_STORAGE }).join()).toContain('only allowed with the local provider');
    }
    // In Azure the default is cloud, whatever the provider.
    expect(loadConfig({ WEBSITE_INSTANCE_ID: 'a1b2c3' }).authMode).toBe('cloud');
  });

  it('needs the Entra tenant and audience together', () => {
    expect(problems({ AUTH_ENTRA_TENANT_ID: 'contoso.onmicrosoft.com' })).toEqual([expect.stringContaining('AUTH_ENTRA_AUDIENCE')]);
    expect(problems({ AUTH_ENTRA_AUDIENCE: 'api-app-id' })).toEqual([expect.stringContaining('AUTH_ENTRA_TENANT_ID')]);
  });

  it('says at startup why a cloud deployment without an identity source answers 401', () => {
    const closed = describeAuth(loadConfig({ AUTH_MODE: 'cloud' }));
    expect(closed.level).toBe('warn');
    expect(closed.message).toContain('every route but health answers 401');
    expect(closed.fields).toMatchObject({ appServiceAuthentication: 'off (WEBSITE_AUTH_ENABLED=unset)' });
    const open = describeAuth(loadConfig({ AUTH_MODE: 'cloud', WEBSITE_AUTH_ENABLED: 'True' }));
    expect(open).toMatchObject({ level: 'info', fields: { appServiceAuthentication: 'on' } });
  });
});
