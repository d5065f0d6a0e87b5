// A storageQueue-triggered function: its listener, and the invocation the Functions host builds for each
// message (the message as input, JSON parsed by the library; Id/DequeueCount/... as trigger metadata).
import { randomUUID } from 'node:crypto';
import type { RpcBindingInfo, RpcTypedData } from '../worker/core-types';
import type { QueuesOptions } from '../host-json';
import type { Invoker } from '../worker/invoke';
import { validateQueueName, type QueueServices } from './connection';
import { QueueListener, type QueueMessage } from './listener';
import type { AppRegistry, RegisteredFunction } from '../worker/registry';
import { resolveBindingExpression, type SettingsSource } from '../settings';

const json = (value: unknown): RpcTypedData => ({ json: JSON.stringify(value) });

export function queueTriggerMetadata(fn: RegisteredFunction, content: string, message?: QueueMessage): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = {
    QueueTrigger: { string: content },
    sys: json({ MethodName: fn.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
  };
  if (message) {
    Object.assign(metadata, {
      Id: json(message.id),
      PopReceipt: json(message.popReceipt),
      DequeueCount: { int: message.dequeueCount },
      InsertionTime: json(message.insertedOn.toISOString()),
      ExpirationTime: json(message.expiresOn.toISOString()),
      NextVisibleTime: json(message.nextVisibleOn.toISOString()),
    });
  }
  return metadata;
}

export interface QueueTrigger {
  queueName: string;
  listener: QueueListener;
  /** Runs the function once with `content` as the message (admin API). */
  invokeWith(content: string): Promise<void>;
}

export function createQueueTrigger(deps: {
  fn: RegisteredFunction;
  triggerName: string;
  binding: RpcBindingInfo;
  settings: SettingsSource;
  queues: QueuesOptions;
  services: QueueServices;
  invoker: Invoker;
  registry: AppRegistry;
  track: (work: Promise<void>) => Promise<void>;
}): QueueTrigger {
  const { fn, triggerName, binding, invoker } = deps;
  const queueName = validateQueueName(resolveBindingExpression(String(binding.queueName ?? ''), deps.settings));
  const service = deps.services.get(binding.connection as string | undefined, deps.settings);
  const binary = binding.dataType === 'binary';
  const input = (content: Buffer): RpcTypedData => (binary ? { bytes: content } : { string: content.toString('utf8') });

  const poisonName = poisonQueueName(queueName);
  const listener = new QueueListener({
    queue: service.getQueueClient(queueName),
    poisonQueue: poisonName === undefined ? undefined : service.getQueueClient(poisonName),
    options: deps.queues,
    // How long a message stays hidden while its handler runs (renewed at half-time). After a crash the message
    // returns once this runs out: tests that kill the host shorten it with LOCAL_HOST_QUEUE_LEASE_SECONDS.
    leaseSeconds: leaseSecondsFrom(deps.settings),
    track: deps.track,
    log: (level, message) => deps.registry.log({ level, category: 'system', message }),
    process: async (message) => {
      await invoker.invoke(fn, {
        invocationId: randomUUID(),
        reason: `New queue message detected on '${queueName}'.`,
        inputData: [{ name: triggerName, data: input(message.content) }],
        triggerMetadata: queueTriggerMetadata(fn, message.content.toString('utf8'), message),
      });
    },
  });

  return {
    queueName,
    listener,
    invokeWith: async (content) => {
      await invoker.invoke(fn, {
        invocationId: randomUUID(),
        reason: 'This function was programmatically called via the host APIs.',
        inputData: [{ name: triggerName, data: input(Buffer.from(content)) }],
        triggerMetadata: queueTriggerMetadata(fn, content),
      });
    },
  };
}

/**
 * `<queue>-poison`, unless the queue is itself a poison queue or the name would be too long
 * (QueueListenerFactory.CreatePoisonQueueReference): such queues have no poison queue.
 */
export function poisonQueueName(queueName: string): string | undefined {
  if (queueName.endsWith(POISON_SUFFIX)) return undefined;
  const name = `${queueName}${POISON_SUFFIX}`;
  return name.length <= 63 ? name : undefined;
}

const POISON_SUFFIX = '-poison';

function leaseSecondsFrom(settings: SettingsSource): number | undefined {
  const value = Number(settings['LOCAL_HOST_QUEUE_LEASE_SECONDS']);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
