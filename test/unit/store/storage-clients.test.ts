import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { loadConfig } from '../../../src/config';
import { createStorageClients } from '../../../src/store/storage-clients';

describe('createStorageClients', () => {
  it('points UseDevelopmentStorage=true at Azurite’s well-known local endpoints', () => {
    const clients = createStorageClients(loadConfig({}));
    expect(clients.auth).toBe('connection-string');
    expect(clients.table('ledgerRuns').url).toBe('http://127.0.0.1:10002/devstoreaccount1');
    expect(clients.queueService.url).toBe('http://127.0.0.1:10001/devstoreaccount1');
  });

  it('uses the connection string’s own endpoints', () => {
    const cs =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      'QueueEndpoint=http://127.0.0.1:4101/devstoreaccount1;TableEndpoint=http://127.0.0.1:4102/devstoreaccount1;';
    const clients = createStorageClients(loadConfig({ AzureWebJobsStorage: cs }));
    expect(clients.tableService.url).toBe('http://127.0.0.1:4102/devstoreaccount1');
    expect(clients.queueService.url).toBe('http://127.0.0.1:4101/devstoreaccount1');
  });

  describe('identity-based connection', () => {
    // A TCP listener stands in for the storage account: the SDKs only send bearer tokens over https, so the
    // test observes the token request and the TLS connection attempt, then aborts the call.
    let server: net.Server;
    let port = 0;
    let onConnection: () => void = () => undefined;
    beforeAll(async () => {
      server = net.createServer((socket) => {
        socket.destroy();
        onConnection();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const fakeCredential = () => {
      const scopes: string[] = [];
      const credential: TokenCredential = {
        async getToken(requested: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
          scopes.push(...[requested].flat());
          return { token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      };
      return { credential, scopes };
    };

    /** Runs `call` until it reaches the listener, then aborts it; resolves whether a connection arrived. */
    const reachListener = async (call: (signal: AbortSignal) => Promise<unknown>) => {
      const controller = new AbortController();
      let connected = false;
      onConnection = () => {
        connected = true;
        controller.abort();
      };
      await call(controller.signal).catch(() => undefined);
      return connected;
    };

    it('authenticates tables and queues with the storage scope at the configured service URIs', async () => {
      const config = loadConfig({
        AzureWebJobsStorage__tableServiceUri: `https://127.0.0.1:${port}/account1`,
        AzureWebJobsStorage__queueServiceUri: `https://127.0.0.1:${port}/account1`,
        AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
      });
      const { credential, scopes } = fakeCredential();
      const clients = createStorageClients(config, { credential });
      expect(clients.auth).toBe('identity');

      expect(await reachListener((abortSignal) => clients.table('ledgerThreads').createTable({ abortSignal }))).toBe(true);
      expect(await reachListener((abortSignal) => clients.queueService.getQueueClient('runs').createIfNotExists({ abortSignal }))).toBe(true);
      expect(scopes).toEqual(['https://storage.azure.com/.default', 'https://storage.azure.com/.default']);
    });
  });
});
