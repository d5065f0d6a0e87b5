// storageQueue output bindings (extraOutputs or the return value): after a successful invocation each value is
// sent to its queue, encoded per host.json messageEncoding; an array sends one message per element.
import type { QueueClient } from '@azure/storage-queue';
import type { RpcBindingInfo, RpcInvocationResponse, RpcTypedData } from '../worker/core-types';
import type { MessageEncoding } from './codec';
import { encodeMessage } from './codec';
import { validateQueueName, type QueueServices } from './connection';
import type { RegisteredFunction } from '../worker/registry';
import { resolveBindingExpression, type SettingsSource } from '../settings';

export const isQueueOutput = (binding: RpcBindingInfo) => binding.direction === 'out' && binding.type?.toLowerCase() === 'queue';

/** Output value → message contents (strings stay as they are, other JSON values are serialized). */
export function toQueueContents(data: RpcTypedData | null | undefined): (string | Buffer)[] {
  if (!data) return [];
  if (data.string !== undefined && data.string !== null) return [data.string];
  if (data.bytes) return [Buffer.from(data.bytes)];
  if (typeof data.int === 'number') return [String(data.int)];
  if (typeof data.double === 'number') return [String(data.double)];
  if (data.json !== undefined && data.json !== null) {
    const value: unknown = JSON.parse(data.json);
    if (value === null) return [];
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  }
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  return [];
}

export class QueueOutputs {
  readonly #targets = new Map<string, Map<string, QueueClient>>();
  readonly #created = new Map<string, Promise<unknown>>();

  constructor(
    private readonly services: QueueServices,
    private readonly settings: SettingsSource,
    private readonly encoding: MessageEncoding,
    /** Called after messages were added to a queue (so a listener on it can poll at once). */
    private readonly onSent: (queue: QueueClient) => void,
  ) {}

  /** Resolves every queue output binding of `fn` up front, so a bad name or connection fails startup. */
  prepare(fn: RegisteredFunction): string[] {
    const targets = new Map<string, QueueClient>();
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (!isQueueOutput(binding)) continue;
      const queueName = validateQueueName(resolveBindingExpression(String(binding.queueName ?? ''), this.settings));
      targets.set(name, this.services.get(binding.connection as string | undefined, this.settings).getQueueClient(queueName));
    }
    this.#targets.set(fn.id, targets);
    return [...targets.values()].map((q) => q.name);
  }

  readonly deliver = async (fn: RegisteredFunction, response: RpcInvocationResponse): Promise<void> => {
    for (const [name, queue] of this.#targets.get(fn.id) ?? []) {
      const data = name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
      const contents = toQueueContents(data);
      if (contents.length === 0) continue;
      await this.#ensureQueue(queue);
      for (const content of contents) await queue.sendMessage(encodeMessage(content, this.encoding));
      this.onSent(queue);
    }
  };

  #ensureQueue(queue: QueueClient): Promise<unknown> {
    let created = this.#created.get(queue.url);
    if (!created) {
      created = queue.createIfNotExists();
      this.#created.set(queue.url, created);
      created.catch(() => this.#created.delete(queue.url));
    }
    return created;
  }
}
