// Storage connections of queue bindings: `connection` names an app setting (default AzureWebJobsStorage; the
// host also tries the `AzureWebJobs` prefix) holding a connection string; `UseDevelopmentStorage=true` is
// the emulator's well-known account on 127.0.0.1:10001 (handled by @azure/storage-queue).
import { QueueServiceClient } from '@azure/storage-queue';
import type { SettingsSource } from '../settings';

export const DEFAULT_CONNECTION = 'AzureWebJobsStorage';
const QUEUE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;

export function connectionString(connection: string | undefined, settings: SettingsSource): string {
  const name = connection || DEFAULT_CONNECTION;
  const value = settings[name] || settings[`AzureWebJobs${name}`];
  if (!value) throw new Error(`Storage connection "${name}" is not set: add the app setting ${name} (a connection string, e.g. UseDevelopmentStorage=true)`);
  return value;
}

export function validateQueueName(name: string): string {
  if (!QUEUE_NAME.test(name)) throw new Error(`"${name}" is not a valid queue name (3-63 lowercase letters, digits and single hyphens)`);
  return name;
}

/** One client per connection string, with short retries so a missing emulator shows up quickly. */
export class QueueServices {
  readonly #clients = new Map<string, QueueServiceClient>();

  get(connection: string | undefined, settings: SettingsSource): QueueServiceClient {
    const value = connectionString(connection, settings);
    let client = this.#clients.get(value);
    if (!client) {
      client = QueueServiceClient.fromConnectionString(value, { retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 } });
      this.#clients.set(value, client);
    }
    return client;
  }
}
