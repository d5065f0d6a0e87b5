// Azure Storage clients (Tables for the ledger, Queues for the run queue) built from the typed config:
// either the AzureWebJobsStorage connection string (Azurite locally) or identity-based service URIs (Azure).
import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import type { TokenCredential } from '@azure/identity';
import { azureCredential } from '../azure-identity';
import type { Config } from '../config';

export interface StorageClients {
  readonly tableService: TableServiceClient;
  readonly queueService: QueueServiceClient;
  /** A client for one table of the account (the table itself is created by its user, on first use). */
  table(name: string): TableClient;
  /** How the clients authenticate, for logs: never the connection string. */
  readonly auth: 'connection-string' | 'identity';
}

export interface StorageClientDeps {
  /** Replaces the managed identity / DefaultAzureCredential chain (tests). */
  credential?: TokenCredential;
}

type StorageConfig = Pick<
  Config,
  'AzureWebJobsStorage' | 'AzureWebJobsStorage__queueServiceUri' | 'AzureWebJobsStorage__tableServiceUri' | 'AzureWebJobsStorage__clientId' | 'AzureWebJobsStorage__credential'
>;

export function createStorageClients(config: StorageConfig, deps: StorageClientDeps = {}): StorageClients {
  const connectionString = config.AzureWebJobsStorage;
  if (connectionString) {
    const tableOptions = tableOptionsFor(connectionString);
    return {
      auth: 'connection-string',
      tableService: TableServiceClient.fromConnectionString(connectionString, tableOptions),
      queueService: QueueServiceClient.fromConnectionString(connectionString),
      table: (name) => TableClient.fromConnectionString(connectionString, name, tableOptions),
    };
  }
  const tableUri = config.AzureWebJobsStorage__tableServiceUri;
  const queueUri = config.AzureWebJobsStorage__queueServiceUri;
  if (!tableUri || !queueUri) {
    throw new Error('Storage needs AzureWebJobsStorage or both AzureWebJobsStorage__tableServiceUri and __queueServiceUri.');
  }
  const credential = deps.credential ?? storageCredential(config);
  // Bearer tokens travel over https only (the SDKs refuse anything else), so no insecure option here.
  return {
    auth: 'identity',
    tableService: new TableServiceClient(tableUri, credential),
    queueService: new QueueServiceClient(queueUri, credential),
    table: (name) => new TableClient(tableUri, name, credential),
  };
}

/** Same rules as the Functions host: a client id means that user-assigned identity; `managedidentity` alone the system one. */
function storageCredential(config: StorageConfig): TokenCredential {
  return azureCredential({ clientId: config.AzureWebJobsStorage__clientId, managed: config.AzureWebJobsStorage__credential === 'managedidentity' });
}

/**
 * The Tables SDK refuses plain http unless told otherwise. It does so itself for `UseDevelopmentStorage=true`,
 * but explicit Azurite connection strings (custom ports, `DefaultEndpointsProtocol=http`) need the flag too.
 */
function tableOptionsFor(connectionString: string): TableServiceClientOptions {
  const settings = new Map(
    connectionString
      .split(';')
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')).trim().toLowerCase(), part.slice(part.indexOf('=') + 1).trim()]),
  );
  const endpoint = settings.get('tableendpoint');
  const insecure = endpoint ? endpoint.toLowerCase().startsWith('http:') : settings.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
  return { allowInsecureConnection: insecure };
}
