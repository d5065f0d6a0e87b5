// Operational routes: health, the sweep, and the OpenAPI document.
import { z } from 'zod';

export const HealthReport = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    checks: z.record(
      z.string(),
      z.object({ status: z.enum(['up', 'down', 'not_configured']), latencyMs: z.number(), error: z.string().optional() }),
    ),
  })
  .meta({ id: 'HealthReport' });

export const SweepQuery = z.object({
  dry_run: z
    .stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] })
    .optional()
    .meta({ description: 'true/1: list what would be deleted without deleting it; default SWEEP_DRY_RUN.', enum: ['true', 'false', '1', '0'] }),
});

export const SweepReport = z
  .object({
    dry_run: z.boolean(),
    started_at: z.string().meta({ description: 'ISO 8601.' }),
    completed_at: z.string().meta({ description: 'ISO 8601.' }),
    counts: z.record(z.string(), z.object({ found: z.number().int(), deleted: z.number().int() })).meta({ description: 'Per kind (threads, files, vector_stores, ledger): candidates found and deleted.' }),
    truncated: z.boolean().meta({ description: 'SWEEP_MAX_DELETIONS was reached; the rest waits for the next sweep.' }),
    errors: z.array(z.object({ kind: z.string(), id: z.string(), message: z.string() })),
  })
  .meta({ id: 'SweepReport' });

/** The OpenAPI document itself is described loosely: it is generated, not validated. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });

export type HealthReportResource = z.input<typeof HealthReport>;
export type SweepReportResource = z.input<typeof SweepReport>;
