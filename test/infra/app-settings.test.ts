// (a) + (b): the function app's settings in infra/app/api.bicep against src/config.ts. The env is built
// from what infra sets (placeholders for deployment-time expressions) and loaded with loadConfig.
import { describe, expect, it } from 'vitest';
import {
  appSettingsOf,
  cloudConfigProblems,
  secretSettingProblems,
  settingNameProblems,
  settingsEnv,
  type CloudExpectations,
  type Scenario,
} from './support/app-settings';
import { loadInfraSources, removeLines } from './support/infra-files';
import { loadConfig } from '../../src/config';

const API = 'infra/app/api.bicep';
const sources = loadInfraSources();

// A deployment name other than the app's default, so a missing MODEL_DEPLOYMENT cannot go unnoticed.
const FOUNDRY: Scenario = { assistantsProvider: 'foundry', modelDeployment: 'assistants-model' };
const AZURE_OPENAI: Scenario = { assistantsProvider: 'azure-openai', modelDeployment: 'assistants-model' };
const EXPECT_FOUNDRY: CloudExpectations = { provider: 'foundry', modelDeployment: 'assistants-model' };

/** Settings without which the deployed app would fail to start or run other than intended. */
const REQUIRED_IN_CLOUD = [
  'ASSISTANTS_PROVIDER',
  'ASSISTANTS_ENDPOINT',
  'MODEL_DEPLOYMENT',
  'AZURE_CLIENT_ID',
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__tableServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'DEPLOYMENT_ID',
  'EMAIL_LOGIC_APP_URL',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
];

function addSetting(text: string, line: string): string {
  return text.replace("  AUTH_MODE: 'cloud'\n", `  AUTH_MODE: 'cloud'\n  ${line}\n`);
}

describe('app settings set by infra', () => {
  it('load as a complete cloud configuration for the foundry provider, on Responses (the deploy default)', () => {
    const env = settingsEnv(sources.text(API), FOUNDRY);
    expect(cloudConfigProblems(env, EXPECT_FOUNDRY)).toEqual([]);
    expect(env).toMatchObject({ ASSISTANTS_PROVIDER: 'foundry', UPSTREAM_PROTOCOL: 'responses', AUTH_MODE: 'cloud', AzureWebJobsStorage__credential: 'managedidentity', RUN_QUEUE_NAME: 'runs', SWEEP_QUEUE_NAME: 'sweeps', LEDGER_TABLE_PREFIX: 'ledger' });
    expect(loadConfig(env).protocol).toBe('responses');
    // The v1 APIs take no api-version; one would be noise.
    expect(env).not.toHaveProperty('ASSISTANTS_API_VERSION');
  });

  it('run azure-openai on Responses (the v1 API) without an api-version', () => {
    const env = settingsEnv(sources.text(API), AZURE_OPENAI);
    expect(cloudConfigProblems(env, { provider: 'azure-openai', modelDeployment: 'assistants-model' })).toEqual([]);
    expect(env).toMatchObject({ ASSISTANTS_PROVIDER: 'azure-openai', UPSTREAM_PROTOCOL: 'responses' });
    expect(env).not.toHaveProperty('ASSISTANTS_API_VERSION');
  });

  it('run foundry-classic on the Assistants protocol', () => {
    const env = settingsEnv(sources.text(API), { assistantsProvider: 'foundry-classic', modelDeployment: 'assistants-model' });
    expect(cloudConfigProblems(env, { provider: 'foundry-classic', modelDeployment: 'assistants-model' })).toEqual([]);
    expect(loadConfig(env)).toMatchObject({ provider: 'foundry-classic', protocol: 'assistants' });
  });

  it.each(REQUIRED_IN_CLOUD)('are incomplete without %s', (name) => {
    const env = settingsEnv(sources.text(API), FOUNDRY);
    expect(env).toHaveProperty(name);
    delete env[name];
    expect(cloudConfigProblems(env, EXPECT_FOUNDRY).join('\n')).toContain(name);
  });

  it('are reported incomplete when the ASSISTANTS_ENDPOINT line is removed from api.bicep', () => {
    const mutated = sources.withEdit(API, (text) => removeLines(text, /^\s*ASSISTANTS_ENDPOINT:/));
    const problems = cloudConfigProblems(settingsEnv(mutated.text(API), FOUNDRY), EXPECT_FOUNDRY);
    expect(problems).toEqual([expect.stringContaining('ASSISTANTS_ENDPOINT')]);
  });

  it('are reported incomplete when AZURE_CLIENT_ID is removed from api.bicep', () => {
    const mutated = sources.withEdit(API, (text) => removeLines(text, /^\s*AZURE_CLIENT_ID:/));
    expect(cloudConfigProblems(settingsEnv(mutated.text(API), FOUNDRY), EXPECT_FOUNDRY).join('\n')).toContain('AZURE_CLIENT_ID');
  });
});

describe('app setting names', () => {
  it('are all read by src/config.ts or owned by the platform', () => {
    const settings = appSettingsOf(sources.text(API));
    expect(settings.length).toBeGreaterThan(10);
    expect(settingNameProblems(settings)).toEqual([]);
  });

  it('report a setting the app does not read', () => {
    const mutated = sources.withEdit(API, (text) => addSetting(text, "EMAIL_ENDPOINT: 'https://mail.example.com'"));
    expect(settingNameProblems(appSettingsOf(mutated.text(API)))).toEqual([expect.stringContaining('EMAIL_ENDPOINT')]);
  });

  it('report an alias instead of the canonical name', () => {
    const mutated = sources.withEdit(API, (text) => addSetting(text, 'OPENAI_URI: assistantsEndpoint'));
    expect(settingNameProblems(appSettingsOf(mutated.text(API)))).toEqual([expect.stringContaining('OPENAI_URI')]);
  });

  it('report a storage connection string', () => {
    const mutated = sources.withEdit(API, (text) => addSetting(text, "AzureWebJobsStorage: 'UseDevelopmentStorage=true'"));
    expect(settingNameProblems(appSettingsOf(mutated.text(API)))).toEqual([expect.stringContaining('AzureWebJobsStorage: must not be set')]);
  });
});

describe('secret settings', () => {
  it('are Key Vault references', () => {
    const settings = appSettingsOf(sources.text(API));
    expect(settings.find((s) => s.name === 'EMAIL_LOGIC_APP_URL')?.value).toBe("'@Microsoft.KeyVault(SecretUri=${emailUrlSecretUri})'");
    expect(secretSettingProblems(settings)).toEqual([]);
  });

  it('report a secret passed as a plain value', () => {
    const mutated = sources.withEdit(API, (text) => text.replace(/EMAIL_LOGIC_APP_URL: .*/, 'EMAIL_LOGIC_APP_URL: emailUrlSecretUri'));
    expect(secretSettingProblems(appSettingsOf(mutated.text(API)))).toEqual([expect.stringContaining('EMAIL_LOGIC_APP_URL')]);
  });
});
