// A stack whose queue service can be switched off (queue-outage.ts), for crash windows that kill the host while
// queue.send retries, with the ledger read past the switch, straight from Azurite.
import { startAzurite } from '../../local/azurite';
import { createLedger, type Ledger } from '../../src/store/ledger';
import { createStorageClients } from '../../src/store/storage-clients';
import { withQueueOutageSwitch, type QueueOutage } from './queue-outage';
import { startStack, type Stack, type StackOptions } from './stack';

export interface OutageStack {
  stack: Stack;
  outage: QueueOutage;
  ledger: Ledger;
  /** Brings the queue back (a test may end with it down) and stops the stack. */
  close(): Promise<void>;
}

export async function startStackWithQueueOutage(options: Omit<StackOptions, 'azurite'>): Promise<OutageStack> {
  const azurite = await startAzurite();
  const ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, createStorageClients({ AzureWebJobsStorage: azurite.connectionString }));
  const outage = await withQueueOutageSwitch(azurite);
  const stack = await startStack({ ...options, azurite: outage.azurite });
  return {
    stack,
    outage,
    ledger,
    close: async () => {
      outage.up();
      await stack.close();
    },
  };
}
