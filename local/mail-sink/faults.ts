// Fault injection for the trigger, shaped like the local Assistants server's:
// random 429/500 answers and latency, so callers' retries can be exercised.
// `fail_next` adds a deterministic script of failures (tests need "fail twice, then succeed").
// `lose_answer_next` stores the email and then loses the answer (the connection drops, or a 502 comes back),
// which is what makes a careless retry send a duplicate.
import { z } from 'zod';

export const faultsSchema = z.strictObject({
  rate_429: z.number().min(0).max(1).default(0),
  rate_500: z.number().min(0).max(1).default(0),
  latency_ms: z
    .tuple([z.number().int().min(0), z.number().int().min(0)])
    .refine(([min, max]) => min <= max, 'latency_ms must be [min, max] with min <= max')
    .default([0, 0]),
  retry_after_seconds: z.number().int().min(0).max(3_600).default(1),
  /** Statuses answered, in order, to the next trigger requests before the rates apply. */
  fail_next: z.array(z.union([z.literal(429), z.literal(500)])).max(100).default([]),
  /** For the next accepted requests, in order: store the email, then `drop` the connection or answer `502`. */
  lose_answer_next: z.array(z.enum(['drop', '502'])).max(100).default([]),
  /** Behave like a workflow without repeatability (office365): every request sends, whatever its key. */
  ignore_idempotency_key: z.boolean().default(false),
});

export type Faults = z.infer<typeof faultsSchema>;

export interface FaultStats {
  requests: number;
  accepted: number;
  injected_429: number;
  injected_500: number;
  /** Repeats answered with the first outcome instead of sending again. */
  repeats: number;
  /** Answers lost after the email was stored. */
  answers_lost: number;
}

const zeroStats = (): FaultStats => ({ requests: 0, accepted: 0, injected_429: 0, injected_500: 0, repeats: 0, answers_lost: 0 });

export class FaultInjector {
  faults: Faults = faultsSchema.parse({});
  stats: FaultStats = zeroStats();

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the whole configuration ({} turns faults off) and resets the counters. */
  set(faults: Faults): void {
    this.faults = { ...faults, fail_next: [...faults.fail_next], lose_answer_next: [...faults.lose_answer_next] };
    this.stats = zeroStats();
  }

  latencyMs(): number {
    const [min, max] = this.faults.latency_ms;
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** The failure status to answer this request with, if any. */
  pick(): 429 | 500 | undefined {
    const scripted = this.faults.fail_next.shift();
    const status = scripted ?? (this.random() < this.faults.rate_429 ? 429 : this.random() < this.faults.rate_500 ? 500 : undefined);
    if (status === 429) this.stats.injected_429++;
    if (status === 500) this.stats.injected_500++;
    return status;
  }

  /** How to lose the answer to this accepted request, if at all. */
  loseAnswer(): 'drop' | '502' | undefined {
    const how = this.faults.lose_answer_next.shift();
    if (how) this.stats.answers_lost++;
    return how;
  }
}
