// Operational routes: health, the sweep, and the OpenAPI document.
import { z } from 'zod';

export const HealthReport = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    checks: z.record(
      z.string(),
      z.object({
        status: z.enum(['up', 'down', 'not_configured']),
        latencyMs: z.number(),
        error: z.string().optional(),
        source: z.string().optional().meta({ description: 'Which source answers, where a dependency has several (market_data: fixture or twelvedata).' }),
        warning: z.string().optional().meta({ description: 'Something an operator should know that leaves the report ok (e.g. prices that are not live).' }),
      }),
    ),
  })
  .meta({ id: 'HealthReport' });

export const SweepQuery = z.object({
  dry_run: z
    .stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] })
    .optional()
    .meta({ description: 'true/1: list what would be deleted without deleting it; default SWEEP_DRY_RUN.', enum: ['true', 'false', '1', '0'] }),
});

const SweepKindReport = z
  .object({
    examined: z.number().int(),
    deleted: z.number().int().meta({ description: 'Deleted (0 in a dry run).' }),
    skipped: z.record(z.string(), z.number().int()).meta({ description: 'Kept, by reason: active_run, fresh, foreign, referenced, defined, cap_reached, ...' }),
    failed: z.number().int(),
    would_delete: z.array(z.string()).optional().meta({ description: 'Dry run: ids a real sweep would delete.' }),
  })
  .meta({ id: 'SweepKindReport' });

export const SweepReport = z
  .object({
    dry_run: z.boolean(),
    started_at: z.string().meta({ description: 'ISO 8601.' }),
    finished_at: z.string().meta({ description: 'ISO 8601.' }),
    lease_acquired: z.boolean().meta({ description: 'False when another sweep was running: this one did nothing.' }),
    complete: z.boolean().meta({ description: 'False when something was left for the next firing (cap reached, lease lost, failures).' }),
    kinds: z.record(z.string(), SweepKindReport).meta({ description: 'Per kind the protocol sweeps: threads, vector_stores, files, ledger on both; assistants (Assistants protocol); responses, containers (Responses protocol).' }),
    errors: z.array(z.object({ kind: z.string(), id: z.string(), message: z.string() })),
  })
  .meta({ id: 'SweepReport' });

/** The OpenAPI document itself is described loosely: it is generated, not validated. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });

export type HealthReportResource = z.input<typeof HealthReport>;
export type SweepReportResource = z.input<typeof SweepReport>;
