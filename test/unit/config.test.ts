import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('runs locally with nothing configured', () => {
    const config = loadConfig({});
    expect(config.provider).toBe('local');
    expect(config.protocol).toBe('responses');
    expect(config.authMode).toBe('dev');
    expect(config.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(config.emailAllowedDomains).toEqual(['example.com']);
    expect(config.TOOL_TIMEOUT).toBe(30_000);
  });

  it("accepts the training's .env names and selects azure-openai", () => {
    const config = loadConfig({
      OPENAI_URI: 'https://my-aoai.openai.azure.com/',
      OPENAI_KEY: 'k',
      OPENAI_VERSION: '2024-05-01-preview',
      OPENAI_GPT_DEPLOYMENT: 'gpt-4o-mini',
      EMAIL_URI: 'https://logic.example/triggers/manual?sig=abc',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    expect(config.provider).toBe('azure-openai');
    expect(config.protocol).toBe('responses');
    expect(config.authMode).toBe('cloud');
    expect(config.ASSISTANTS_ENDPOINT).toBe('https://my-aoai.openai.azure.com/');
    expect(config.MODEL_DEPLOYMENT).toBe('gpt-4o-mini');
    expect(config.EMAIL_LOGIC_APP_URL).toContain('sig=abc');
  });

  it('names every offending setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({ ASSISTANTS_PROVIDER: 'bard', TOOL_TIMEOUT: 'soon', EMAIL_URI: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('ASSISTANTS_PROVIDER');
    expect(message).toContain('TOOL_TIMEOUT');
    expect(message).toContain('EMAIL_URI (EMAIL_LOGIC_APP_URL)');
  });

  it('refuses dev identity with a cloud provider', () => {
    expect(() =>
      loadConfig({ ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: 'https://x.services.ai.azure.com/api/projects/p', AUTH_MODE: 'dev', AzureWebJobsStorage: 'UseDevelopmentStorage=true' }),
    ).toThrow(/AUTH_MODE/);
  });

  it('keeps ?wait= inside the platform\'s 230 s HTTP limit', () => {
    expect(loadConfig({ MAX_WAIT_SECONDS: '200' }).MAX_WAIT_SECONDS).toBe(200);
    expect(() => loadConfig({ MAX_WAIT_SECONDS: '201' })).toThrow(/MAX_WAIT_SECONDS/);
  });
});
