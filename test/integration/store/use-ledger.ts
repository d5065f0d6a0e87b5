// A ledger over a fresh in-memory Azurite for one test file.
import { randomUUID } from 'node:crypto';
import { beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../../src/config';
import { createLedger, type Ledger } from '../../../src/store/ledger';
import { createStorageClients, type StorageClients } from '../../../src/store/storage-clients';
import { useAzurite } from '../../support/azurite';

export interface LedgerFixture {
  config: Config;
  clients: StorageClients;
  ledger: Ledger;
}

export function useLedger(): LedgerFixture {
  const azurite = useAzurite();
  const fixture = {} as LedgerFixture;
  beforeAll(() => {
    fixture.config = loadConfig({ AzureWebJobsStorage: azurite.current.connectionString });
    fixture.clients = createStorageClients(fixture.config);
    fixture.ledger = createLedger(fixture.config, fixture.clients);
  });
  return fixture;
}

/** Ids shaped like the upstream's (`thread_...`), unique per call so tests sharing a table stay apart. */
export const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
