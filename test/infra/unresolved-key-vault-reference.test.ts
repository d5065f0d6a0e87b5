// During role propagation App Service hands the app the literal `@Microsoft.KeyVault(...)` text instead of the
// secret. Only what needs that secret may stop working: the app starts, health stays 200 and says which setting
// is unresolved (never its value), and send_email answers "unavailable" instead of failing the run.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { isTerminal } from '../../src/runs/run-facts';
import { apiClient, eventually, useStack } from '../support/stack';

const REFERENCE = '@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/email-logic-app-url/)';

describe('config', () => {
  it('leaves an unresolved Key Vault reference unset and names it, instead of rejecting the URL', () => {
    const config = loadConfig({ EMAIL_LOGIC_APP_URL: REFERENCE, STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: REFERENCE });
    expect(config.EMAIL_LOGIC_APP_URL).toBeUndefined();
    expect(config.STOCK_PRICE_API_KEY).toBeUndefined();
    expect(config.unresolvedKeyVaultReferences.sort()).toEqual(['EMAIL_LOGIC_APP_URL', 'STOCK_PRICE_API_KEY']);
    // A resolved value is used as it is.
    expect(loadConfig({ EMAIL_LOGIC_APP_URL: 'https://prod.example.com/workflows/x' }).unresolvedKeyVaultReferences).toEqual([]);
  });
});

describe('the app with an unresolved Key Vault reference', () => {
  const stack = useStack({ env: { EMAIL_LOGIC_APP_URL: REFERENCE } });

  it('starts, and health reports the setting with a warning while staying ok', async () => {
    const res = await fetch(`${stack().api}/health`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; warning?: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.email).toMatchObject({ status: 'not_configured', warning: expect.stringContaining('EMAIL_LOGIC_APP_URL is a Key Vault reference') });
    expect(JSON.stringify(body)).not.toContain('kv-example');
  });

  it('answers send_email with "unavailable" and the run still completes', async () => {
    const alice = apiClient(() => stack().api, 'alice');
    const threadId = (await alice.post('/threads', {})).body!.id as string;
    const call = `/call send_email ${JSON.stringify({ to: 'bob@example.com', subject: 'Hi', content: '<p>x</p>' })}`;
    const runId = (await alice.post(`/threads/${threadId}/messages`, { content: call })).body!.run.id as string;
    const run = await eventually(async () => {
      const r = (await alice.get(`/threads/${threadId}/runs/${runId}`)).body;
      return isTerminal(r?.status) ? r : undefined;
    });
    expect(run.status).toBe('completed');
    expect(run.tool_calls[0].name).toBe('send_email');
    expect(run.tool_calls[0].output).toContain('Email is unavailable right now');
    expect(run.tool_calls[0].output).not.toContain('kv-example');
  });
});
