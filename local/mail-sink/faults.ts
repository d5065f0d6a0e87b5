// Fault injection for the trigger, shaped like the local Assistants server's:
// random 429/500 answers and latency, so callers' retries can be exercised.
// `fail_next` adds a deterministic script of failures (tests need "fail twice, then succeed").
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
});

export type Faults = z.infer<typeof faultsSchema>;

export interface FaultStats {
  requests: number;
  accepted: number;
  injected_429: number;
  injected_500: number;
}

export class FaultInjector {
  faults: Faults = faultsSchema.parse({});
  stats: FaultStats = { requests: 0, accepted: 0, injected_429: 0, injected_500: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the whole configuration ({} turns faults off) and resets the counters. */
  set(faults: Faults): void {
    this.faults = { ...faults, fail_next: [...faults.fail_next] };
    this.stats = { requests: 0, accepted: 0, injected_429: 0, injected_500: 0 };
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
}
