// Polls one storage queue with the Functions host's semantics (host.json extensions.queues):
// batches of `batchSize`, a new batch once in-flight messages drop to `newBatchThreshold`, exponential
// backoff from 100 ms to `maxPollingInterval` while the queue is empty, an immediate re-poll after a hit.
// A message stays invisible while its handler runs (10-minute lease renewed at half-time); success deletes it;
// failure makes it visible again after `visibilityTimeout`, or moves it to `<queue>-poison` once its
// dequeueCount reaches `maxDequeueCount` (also when it is received with a higher count, e.g. after a crash).
// A queue whose name ends in `-poison` has no poison queue: a failure leaves the message invisible for the rest
// of its lease, and past maxDequeueCount it is skipped (left in the queue, never invoked again).
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { RpcLogLevel } from '../worker/core-types';
import type { QueuesOptions } from '../host-json';
import { decodeMessage } from './codec';

export interface QueueMessage {
  id: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  expiresOn: Date;
  nextVisibleOn: Date;
  /** Raw message text as stored. */
  text: string;
  /** Decoded content (base64 undone when the encoding is base64). */
  content: Buffer;
}

export interface QueueListenerOptions {
  queue: QueueClient;
  /** Where failing messages go; absent for a queue that is itself a poison queue (name ends in `-poison`). */
  poisonQueue?: QueueClient;
  options: QueuesOptions;
  /** Runs the function for one message; a rejection counts as a failed attempt. */
  process(message: QueueMessage): Promise<void>;
  log(level: RpcLogLevel, message: string): void;
  /** Invisibility while a handler runs; renewed every half period. */
  leaseSeconds?: number;
  /** Registers each message's whole handling (invocation and completion) so shutdown can wait for it. */
  track?: (work: Promise<void>) => Promise<void>;
}

export const MIN_POLLING_INTERVAL_MS = 100;
const DEFAULT_LEASE_SECONDS = 600;

export class QueueListener {
  readonly #o: QueueListenerOptions;
  readonly #lease: number;
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #stopped = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: QueueListenerOptions) {
    this.#o = options;
    this.#lease = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  }

  get name(): string {
    return this.#o.queue.name;
  }

  get url(): string {
    return this.#o.queue.url;
  }

  /** Creates the queue when missing, as the host does for trigger queues. */
  async ensureQueue(): Promise<void> {
    await this.#o.queue.createIfNotExists();
  }

  start(): void {
    this.#loop ??= this.#poll();
  }

  /** Stops polling (running handlers finish on their own and still complete their messages). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#wake?.();
    await this.#loop;
  }

  /** Polls now instead of waiting out the backoff (a message was just added by this host). */
  notify(): void {
    this.#wake?.();
  }

  async #poll(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.#o.options;
    let delay = MIN_POLLING_INTERVAL_MS;
    while (!this.#stopped) {
      if (this.#running.size > newBatchThreshold) {
        await this.#sleep(undefined, Promise.race(this.#running));
        continue;
      }
      let items: DequeuedMessageItem[] = [];
      try {
        const response = await this.#o.queue.receiveMessages({ numberOfMessages: batchSize, visibilityTimeout: this.#lease, abortSignal: this.#abort.signal });
        items = response.receivedMessageItems;
      } catch (error) {
        if (this.#stopped) break;
        this.#o.log('warning', `Polling queue '${this.name}' failed: ${(error as Error).message}`);
      }
      if (items.length > 0) {
        delay = MIN_POLLING_INTERVAL_MS;
        for (const item of items) this.#track(this.#o.track ? this.#o.track(this.#handle(item)) : this.#handle(item));
        continue;
      }
      await this.#sleep(delay);
      delay = Math.min(delay * 2, maxPollingIntervalMs);
    }
  }

  #track(work: Promise<void>): void {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }

  /** Waits `ms` (or for `until`), cut short by stop() or notify(). */
  #sleep(ms: number | undefined, until?: Promise<unknown>): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
      void until?.then(done, done);
    });
  }

  async #handle(item: DequeuedMessageItem): Promise<void> {
    const { maxDequeueCount, messageEncoding, visibilityTimeoutMs } = this.#o.options;
    const receipt = { popReceipt: item.popReceipt };
    try {
      // QueueProcessor.BeginProcessingMessageAsync: a message seen more often than allowed is never invoked again.
      if (item.dequeueCount > maxDequeueCount) return await this.#poison(item, receipt.popReceipt, `Message has reached MaxDequeueCount of ${maxDequeueCount}.`);
      const content = decodeMessage(item.messageText, messageEncoding);
      if (!content) {
        return await this.#poison(item, receipt.popReceipt, `Message '${item.messageId}' is not valid base64 (host.json messageEncoding is base64).`);
      }
      const succeeded = await this.#withLease(item.messageId, receipt, () =>
        this.#o.process({
          id: item.messageId,
          popReceipt: receipt.popReceipt,
          dequeueCount: item.dequeueCount,
          insertedOn: item.insertedOn,
          expiresOn: item.expiresOn,
          nextVisibleOn: item.nextVisibleOn,
          text: item.messageText,
          content,
        }),
      );
      // QueueProcessor.CompleteProcessingMessageAsync.
      if (succeeded) await this.#complete(item.messageId, 'delete', () => this.#o.queue.deleteMessage(item.messageId, receipt.popReceipt));
      else if (!this.#o.poisonQueue) {
        // No poison queue (this one is a poison queue): leave the message invisible for the rest of its lease,
        // so a failing message does not loop fast.
        this.#o.log('information', `Message '${item.messageId}' failed on queue '${this.name}', which has no poison queue: it stays invisible for the rest of its lease.`);
      } else if (item.dequeueCount >= maxDequeueCount) await this.#poison(item, receipt.popReceipt, `Message has reached MaxDequeueCount of ${maxDequeueCount}.`);
      else {
        await this.#complete(item.messageId, 'release', () =>
          this.#o.queue.updateMessage(item.messageId, receipt.popReceipt, undefined, Math.floor(visibilityTimeoutMs / 1000)),
        );
      }
    } catch (error) {
      this.#o.log('warning', `Completing message '${item.messageId}' on queue '${this.name}' failed: ${(error as Error).message}`);
    }
  }

  /** Deletes or releases a message; losing it meanwhile (deleted, pop receipt changed) is expected, not a failure. */
  async #complete(messageId: string, what: 'delete' | 'release', step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const lost = ownershipLost(error);
      if (!lost) throw error;
      this.#o.log('debug', `Unable to ${what} queue message '${messageId}' on queue '${this.name}': ${lost}.`);
    }
  }

  /**
   * Runs `work` while keeping the message invisible, as the extension's UpdateQueueMessageVisibilityCommand does:
   * renewed to the full lease every half lease; a renewal that fails transiently (5xx, network) is retried
   * sooner; once the message is gone or its pop receipt changed, renewal stops (ownership is lost for good)
   * and the invocation carries on. Resolves whether `work` succeeded.
   */
  async #withLease(messageId: string, receipt: { popReceipt: string }, work: () => Promise<void>): Promise<boolean> {
    const normalMs = (this.#lease * 1000) / 2;
    // LinearSpeedupStrategy(normal, 1 minute): interval / (failures + 1), not below the minimum.
    const minimumMs = Math.min(MIN_RENEWAL_INTERVAL_MS, normalMs / 4);
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let renewing: Promise<void> = Promise.resolve();
    const schedule = (ms: number) => {
      if (!done) timer = setTimeout(() => (renewing = renew()), ms);
    };
    const renew = async () => {
      try {
        const renewed = await this.#o.queue.updateMessage(messageId, receipt.popReceipt, undefined, this.#lease);
        if (renewed.popReceipt) receipt.popReceipt = renewed.popReceipt;
        failures = 0;
        schedule(normalMs);
      } catch (error) {
        const lost = ownershipLost(error);
        if (lost) {
          this.#o.log('warning', `Renewing message '${messageId}' on queue '${this.name}' stopped: ${lost}. The invocation continues; the message is no longer held.`);
          return;
        }
        if (!isTransient(error)) {
          this.#o.log('error', `Renewing message '${messageId}' on queue '${this.name}' failed and stopped: ${(error as Error).message}`);
          return;
        }
        failures++;
        this.#o.log('warning', `Renewing message '${messageId}' on queue '${this.name}' failed (retrying): ${(error as Error).message}`);
        schedule(Math.max(normalMs / (failures + 1), minimumMs));
      }
    };
    schedule(normalMs);
    try {
      await work();
      return true;
    } catch {
      return false;
    } finally {
      done = true;
      clearTimeout(timer);
      await renewing;
    }
  }

  /**
   * Copies the message text unchanged to the poison queue, then deletes the original. A queue without a
   * poison queue (its name ends in `-poison`) skips the message instead: it stays in the queue, invisible for
   * its lease, and is never invoked again (QueueProcessor.HandlePoisonMessageAsync does nothing then).
   */
  async #poison(item: DequeuedMessageItem, popReceipt: string, why: string): Promise<void> {
    const poisonQueue = this.#o.poisonQueue;
    if (!poisonQueue) {
      this.#o.log('warning', `${why} Queue '${this.name}' has no poison queue: message '${item.messageId}' is left in the queue and not processed.`);
      return;
    }
    this.#o.log('warning', `${why} Moving message to queue '${poisonQueue.name}'.`);
    await poisonQueue.createIfNotExists();
    await poisonQueue.sendMessage(item.messageText);
    await this.#complete(item.messageId, 'delete', () => this.#o.queue.deleteMessage(item.messageId, popReceipt));
  }
}

const MIN_RENEWAL_INTERVAL_MS = 60_000;

/** Why a storage error means the message is no longer ours (the extension's IsBadRequestPopReceiptMismatch etc.), or undefined. */
export function ownershipLost(error: unknown): string | undefined {
  const { statusCode, code } = storageError(error);
  if (statusCode === 400 && code === 'PopReceiptMismatch') return 'the pop receipt did not match (the message was updated elsewhere)';
  if (statusCode === 404) return `the message or the queue was not found${code ? ` (${code})` : ''}`;
  if (statusCode === 409 && (code === 'QueueBeingDeleted' || code === 'QueueDisabled')) return `the queue is being deleted or is disabled (${code})`;
  return undefined;
}

/** Server-side (5xx) or network failures, worth retrying. */
export function isTransient(error: unknown): boolean {
  const { statusCode } = storageError(error);
  return statusCode === undefined || statusCode >= 500;
}

function storageError(error: unknown): { statusCode?: number; code?: string } {
  const e = error as { statusCode?: unknown; code?: unknown; details?: { errorCode?: unknown } } | null;
  const statusCode = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const detail = e?.details?.errorCode;
  const code = typeof detail === 'string' ? detail : typeof e?.code === 'string' ? e.code : undefined;
  return { statusCode, code };
}
