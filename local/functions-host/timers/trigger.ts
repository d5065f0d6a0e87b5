// A timer-triggered function: fires at each schedule occurrence (and once at startup with runOnStartup),
// one invocation at a time like the host's singleton timer, and passes the timer object the host sends:
// { Schedule: { AdjustForDST }, ScheduleStatus: { Last, Next, LastUpdated }, IsPastDue } (camel-cased by the library).
import { randomUUID } from 'node:crypto';
import type { Invoker } from '../worker/invoke';
import type { RegisteredFunction } from '../worker/registry';
import type { Schedule } from './schedule';

/** setTimeout cannot wait longer than this; longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface TimerTriggerOptions {
  fn: RegisteredFunction;
  triggerName: string;
  schedule: Schedule;
  runOnStartup: boolean;
  invoker: Invoker;
  now?: () => Date;
}

export class TimerTrigger {
  readonly #o: TimerTriggerOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #last: Date;
  #lastUpdated: Date;

  constructor(options: TimerTriggerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#last = this.#lastUpdated = this.#now();
  }

  get schedule(): Schedule {
    return this.#o.schedule;
  }

  start(): void {
    if (this.#o.runOnStartup) void this.#fire(this.#now(), false, 'runOnStartup').then(() => this.#scheduleNext());
    else this.#scheduleNext();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Runs the function now (admin API), outside the schedule. */
  invokeNow(): Promise<void> {
    return this.#fire(this.#now(), false, 'This function was programmatically called via the host APIs.');
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    const occurrence = this.#o.schedule.next(new Date(Math.max(this.#now().getTime(), this.#last.getTime())));
    this.#waitUntil(occurrence, () => void this.#onOccurrence(occurrence));
  }

  #waitUntil(when: Date, then: () => void): void {
    if (this.#stopped) return;
    const remaining = when.getTime() - this.#now().getTime();
    if (remaining <= 0) return then();
    this.#timer = setTimeout(() => this.#waitUntil(when, then), Math.min(remaining, MAX_TIMEOUT_MS));
  }

  async #onOccurrence(occurrence: Date): Promise<void> {
    // Past due: the process was held up beyond the following occurrence (missed runs collapse into this one).
    const isPastDue = this.#o.schedule.next(occurrence).getTime() <= this.#now().getTime();
    await this.#fire(occurrence, isPastDue, `Timer fired at ${this.#now().toISOString()}`);
    this.#scheduleNext();
  }

  async #fire(occurrence: Date, isPastDue: boolean, reason: string): Promise<void> {
    const timer = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: this.#last.toISOString(), Next: occurrence.toISOString(), LastUpdated: this.#lastUpdated.toISOString() },
      IsPastDue: isPastDue,
    };
    try {
      await this.#o.invoker.invoke(this.#o.fn, {
        invocationId: randomUUID(),
        reason,
        inputData: [{ name: this.#o.triggerName, data: { json: JSON.stringify(timer) } }],
        triggerMetadata: {},
      });
    } catch {
      // The invoker logged the failure; a failed run does not stop the schedule.
    } finally {
      this.#last = occurrence;
      this.#lastUpdated = this.#now();
    }
  }
}
