// What one sweep did, per kind of object. Every examined object ends in exactly one bucket
// (deleted, one skip reason, or failed), so examined = deleted + Σ skipped + failed.
import { redact } from '../logging';

// Which kinds a sweep reports depends on the protocol (targets.ts): each target declares its kinds.
//   threads        the ledger's threads (Responses: each with its conversation)
//   assistants     upstream assistants (Assistants protocol only)
//   responses      stored responses of a thread's or an old run's chain (Responses only; they cannot be listed)
//   containers     code interpreter containers named <DEPLOYMENT_ID>~<threadId> (Responses only)
//   vector_stores, files, ledger  on both
export const SWEEP_KINDS = ['threads', 'assistants', 'responses', 'containers', 'vector_stores', 'files', 'ledger'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

export type SkipReason =
  /** The thread has a run in progress. */
  | 'active_run'
  /** Younger than its TTL, or used recently. */
  | 'fresh'
  /** Not tagged with this deployment and not in its ledger. */
  | 'foreign'
  /** Still used by a kept assistant or thread. */
  | 'referenced'
  /** An assistant whose key is still defined (the copy the resolver uses). */
  | 'defined'
  /** No assistant keys were given: deleting "undefined" assistants would delete them all. */
  | 'no_definitions'
  /** SWEEP_MAX_DELETIONS reached; the next firing continues. */
  | 'cap_reached'
  /** Another sweep took the lease over; it continues. */
  | 'lease_lost'
  /** Removed by someone else between listing and deciding. */
  | 'gone';

export interface KindSummary {
  examined: number;
  deleted: number;
  skipped: Partial<Record<SkipReason, number>>;
  failed: number;
  /** Dry run only: ids that a real sweep would have deleted. */
  wouldDelete?: string[];
}

export interface SweepError {
  kind: SweepKind;
  /** The object's id, or `*` when a whole step failed (e.g. a listing). */
  id: string;
  message: string;
}

export interface SweepSummary {
  dryRun: boolean;
  /** ISO 8601, from the sweep's clock. */
  startedAt: string;
  finishedAt: string;
  leaseAcquired: boolean;
  /** False when something was left for the next firing: cap reached, lease lost, or failures. */
  complete: boolean;
  /** The kinds the protocol's targets sweep, in step order; the others are absent. */
  kinds: Partial<Record<SweepKind, KindSummary>>;
  errors: SweepError[];
}

/** Most errors a summary keeps (the counts stay exact); a storm of failures must not bloat logs. */
const MAX_ERRORS = 50;

/** Mutable tally behind a summary, shared by the steps of one sweep. */
export class SummaryBuilder {
  private readonly kinds: Partial<Record<SweepKind, KindSummary>> = {};
  private readonly errors: SweepError[] = [];
  private incomplete = false;

  /** `kinds`: what this sweep reports (every one present, zero or not), in SWEEP_KINDS order. */
  constructor(
    readonly dryRun: boolean,
    private readonly startedAt: Date,
    kinds: readonly SweepKind[] = SWEEP_KINDS,
  ) {
    for (const kind of SWEEP_KINDS) if (kinds.includes(kind)) this.kind(kind);
  }

  private kind(kind: SweepKind): KindSummary {
    return (this.kinds[kind] ??= { examined: 0, deleted: 0, skipped: {}, failed: 0, ...(this.dryRun ? { wouldDelete: [] } : {}) });
  }

  examined(kind: SweepKind, n = 1): void {
    this.kind(kind).examined += n;
  }

  /** In a dry run, `id` is listed as would-be-deleted instead. */
  deleted(kind: SweepKind, id: string, n = 1): void {
    this.kind(kind).deleted += this.dryRun ? 0 : n;
    if (this.dryRun) this.kind(kind).wouldDelete?.push(id);
  }

  skipped(kind: SweepKind, reason: SkipReason, n = 1): void {
    if (n <= 0) return;
    const skipped = this.kind(kind).skipped;
    skipped[reason] = (skipped[reason] ?? 0) + n;
    if (reason === 'cap_reached' || reason === 'lease_lost') this.incomplete = true;
  }

  failed(kind: SweepKind, id: string, error: unknown, n = 1): void {
    this.kind(kind).failed += n;
    this.stepFailed(kind, id, error);
  }

  /** An error not tied to one counted object (a listing failed, the lease was lost): the sweep is incomplete. */
  stepFailed(kind: SweepKind, id: string, error: unknown): void {
    this.incomplete = true;
    if (this.errors.length < MAX_ERRORS) this.errors.push({ kind, id, message: errorMessage(error) });
  }

  build(finishedAt: Date, leaseAcquired = true): SweepSummary {
    return {
      dryRun: this.dryRun,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      leaseAcquired,
      complete: leaseAcquired && !this.incomplete,
      kinds: structuredClone(this.kinds),
      errors: [...this.errors],
    };
  }
}

export function errorMessage(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).slice(0, 500);
}
