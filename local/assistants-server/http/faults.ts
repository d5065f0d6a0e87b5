// Injected faults for resilience tests: 429s (with Retry-After), 500s, connection resets and latency,
// applied to protocol routes only. A seed makes the sequence repeatable.
import { z } from 'zod';
import { INT } from './validate';
import { seededRandom } from '../../shared/seeded-random';

export const faultsSchema = z.strictObject({
  rate_429: z.number().min(0).max(1).default(0),
  rate_500: z.number().min(0).max(1).default(0),
  rate_reset: z.number().min(0).max(1).default(0),
  latency_ms: z
    .tuple([z.number().int().min(0, INT), z.number().int().min(0, INT)])
    .refine(([min, max]) => min <= max, 'latency_ms is [min, max] with min <= max')
    .default([0, 0]),
  /**
   * Lost answers: route template ("POST /threads/{thread_id}/messages") → how many of its next requests are carried
   * out and then answered with a dropped connection, as when a proxy loses the answer after the service acted.
   */
  lose_answers: z.record(z.string().min(1), z.number().int().min(0, INT)).default({}),
  /** What a 429 asks the client to wait (Retry-After in whole seconds, retry-after-ms exactly). */
  retry_after_ms: z.number().int().min(0, INT).max(60_000, INT).default(1000),
  seed: z.number().int().optional(),
});

export type FaultConfig = z.output<typeof faultsSchema>;
export type Fault = 'rate_limit' | 'server_error' | 'reset' | null;

export class Faults {
  private config: FaultConfig = faultsSchema.parse({});
  private random: () => number = Math.random;

  set(config: FaultConfig): void {
    this.config = config;
    this.random = config.seed === undefined ? Math.random : seededRandom(config.seed);
  }

  get current(): FaultConfig {
    return this.config;
  }

  latencyMs(): number {
    const [min, max] = this.config.latency_ms;
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** Whether this request of `route` loses its answer (counts one down). */
  losesAnswer(route: string): boolean {
    const left = this.config.lose_answers[route] ?? 0;
    if (left <= 0) return false;
    this.config.lose_answers[route] = left - 1;
    return true;
  }

  /** Rolls for one request: at most one fault, resets first. */
  roll(): Fault {
    if (this.config.rate_reset > 0 && this.random() < this.config.rate_reset) return 'reset';
    if (this.config.rate_429 > 0 && this.random() < this.config.rate_429) return 'rate_limit';
    if (this.config.rate_500 > 0 && this.random() < this.config.rate_500) return 'server_error';
    return null;
  }

  reset(): void {
    this.set(faultsSchema.parse({}));
  }
}
