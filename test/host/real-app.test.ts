// The real app (dist/main.js, built by the global setup) in the local host.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../local/assistants-server';
import { FunctionsHostExitError, startFunctionsHost } from '../../local/functions-host';
import { stackProtocol } from '../../local/stack';
import { useAzurite } from '../support/azurite';

const root = path.resolve(__dirname, '../..');
const azurite = useAzurite();
// Health probes storage and the Assistants upstream: both run locally.
let assistants: RunningAssistantsServer;
beforeAll(async () => {
  assistants = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await assistants?.close();
});

describe('the real app in the local host', () => {
  it('answers GET /api/health with 200', async () => {
    const env = { ASSISTANTS_PROVIDER: 'local', UPSTREAM_PROTOCOL: stackProtocol(), AzureWebJobsStorage: azurite.current.connectionString, LOCAL_ASSISTANTS_URL: assistants.url, EMAIL_LOGIC_APP_URL: '' };
    const host = await startFunctionsHost({ appPath: path.join(root, 'dist/main.js'), scriptRoot: root, env });
    try {
      const res = await fetch(`${host.url}/api/health`);
      const body = (await res.json()) as { status: string };
      expect({ status: res.status, body }).toMatchObject({ status: 200, body: { status: 'ok' } });
      // host.json's routePrefix is "": the API's routes carry api/ themselves, the web chat is at the root.
      expect(host.baseUrl).toBe(host.url);
    } finally {
      await host.close();
    }
    expect(await host.exited).toBe(0);
  });

  it('fails to start, naming the setting, when the configuration is invalid', async () => {
    const failure = await startFunctionsHost({ appPath: path.join(root, 'dist/main.js'), scriptRoot: root, env: { ASSISTANTS_PROVIDER: 'bogus' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FunctionsHostExitError);
    const exit = failure as FunctionsHostExitError;
    expect(exit.exitCode).not.toBe(0);
    expect(exit.exitCode).not.toBeNull();
    expect(exit.output).toContain('ASSISTANTS_PROVIDER');
    expect(exit.output).not.toContain('Functions host listening on');
  });

  it('refuses the Assistants protocol on azure-openai at startup, naming the day it was retired', async () => {
    const env = { ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: assistants.url, UPSTREAM_PROTOCOL: 'assistants', AzureWebJobsStorage: azurite.current.connectionString };
    const failure = await startFunctionsHost({ appPath: path.join(root, 'dist/main.js'), scriptRoot: root, env }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FunctionsHostExitError);
    expect((failure as FunctionsHostExitError).output).toContain('retired the Assistants protocol on 2026-08-26');
  });

  it('warns at startup that foundry-classic retires on 2027-03-31', async () => {
    const env = { ASSISTANTS_PROVIDER: 'foundry-classic', ASSISTANTS_ENDPOINT: `${assistants.url}/api/projects/p`, AzureWebJobsStorage: azurite.current.connectionString, EMAIL_LOGIC_APP_URL: '' };
    const host = await startFunctionsHost({ appPath: path.join(root, 'dist/main.js'), scriptRoot: root, env });
    try {
      // The runtime is built on first use; health is the one anonymous route. Its upstream check may fail here
      // (no Entra ID sign-in on this machine): only the warning is asserted.
      await fetch(`${host.url}/api/health`);
      expect(host.logs()).toMatch(/foundry-classic runs on the Assistants protocol, which Foundry Agent Service classic retires on 2027-03-31/);
    } finally {
      await host.close();
    }
  });
});
