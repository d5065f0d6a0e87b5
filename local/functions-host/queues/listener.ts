// Polls one storage queue with the Functions host's semantics (host.json extensions.queues):
// batches of `batchSize`, a new batch once in-flight messages drop to `newBatchThreshold`, exponential
// backoff from 100 ms to `maxPollingInterval` while the queue is empty, an immediate re-poll after a hit.
// A message stays invisible while its handler runs (lease renewed at half-time); success deletes it; failure
// makes it visible again after `visibilityTimeout`, or moves it to `<queue>-poison` once its dequeueCount
// reaches `maxDequeueCount` (also when it is received with a higher count, e.g. after a crash).
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
  poisonQueue: QueueClient;
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
      if (succeeded) await this.#o.queue.deleteMessage(item.messageId, receipt.popReceipt);
      else if (item.dequeueCount >= maxDequeueCount) await this.#poison(item, receipt.popReceipt, `Message has reached MaxDequeueCount of ${maxDequeueCount}.`);
      else await this.#o.queue.updateMessage(item.messageId, receipt.popReceipt, undefined, Math.floor(visibilityTimeoutMs / 1000));
    } catch (error) {
      this.#o.log('warning', `Completing message '${item.messageId}' on queue '${this.name}' failed: ${(error as Error).message}`);
    }
  }

  /** Runs `work` while renewing the message's invisibility; resolves whether it succeeded. */
  async #withLease(messageId: string, receipt: { popReceipt: string }, work: () => Promise<void>): Promise<boolean> {
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        try {
          const renewed = await this.#o.queue.updateMessage(messageId, receipt.popReceipt, undefined, this.#lease);
          if (renewed.popReceipt) receipt.popReceipt = renewed.popReceipt;
        } catch (error) {
          this.#o.log('warning', `Renewing message '${messageId}' on queue '${this.name}' failed: ${(error as Error).message}`);
        }
      });
    }, (this.#lease * 1000) / 2);
    try {
      await work();
      return true;
    } catch {
      return false;
    } finally {
      clearInterval(timer);
      await renewing;
    }
  }

  /** Copies the message text unchanged to the poison queue, then deletes the original. */
  async #poison(item: DequeuedMessageItem, popReceipt: string, why: string): Promise<void> {
    this.#o.log('warning', `${why} Moving message to queue '${this.#o.poisonQueue.name}'.`);
    await this.#o.poisonQueue.createIfNotExists();
    await this.#o.poisonQueue.sendMessage(item.messageText);
    await this.#o.queue.deleteMessage(item.messageId, popReceipt);
  }
}
