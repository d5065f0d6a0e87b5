// Operational routes: health, requested sweeps, and the OpenAPI document.
import { z } from 'zod';
import { SWEEP_ID_PATTERN, SWEEP_REQUEST_STATUSES } from '../../sweep/request-facts';

export const HealthReport = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    checks: z.record(
      z.string(),
      z.object({
        status: z.enum(['up', 'down', 'not_configured', 'unavailable']).meta({ description: 'unavailable: an optional dependency (an MCP server) that did not answer; the report stays ok.' }),
        latencyMs: z.number(),
        error: z.string().optional(),
        source: z.string().optional().meta({ description: 'Which source answers, where a dependency has several (market_data: fixture or twelvedata).' }),
        warning: z.string().optional().meta({ description: 'Something an operator should know that leaves the report ok (e.g. prices that are not live).' }),
        setting: z.string().optional().meta({ description: 'not_configured: the app setting to set (e.g. MCP_CALENDAR_URL).' }),
        tools: z.number().int().optional().meta({ description: 'MCP servers (checks mcp_<server>): how many of the tools the assistants expose the server lists.' }),
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

export const SweepParams = z.object({
  // Any string up to the id's length: an id that is not ours answers 404 like an unknown one.
  sweepId: z.string().min(1).max(64).meta({ description: 'Sweep id (sweep_<32 hex>), from POST /maintenance/sweep.', example: 'sweep_0123456789abcdef0123456789abcdef' }),
});

export const SweepResource = z
  .object({
    id: z.string().regex(SWEEP_ID_PATTERN),
    object: z.literal('maintenance.sweep'),
    status: z.enum(SWEEP_REQUEST_STATUSES).meta({ description: 'queued, running, then succeeded (the report says what it did), skipped (another sweep held the lease: nothing done) or failed.' }),
    dry_run: z.boolean(),
    requested_at: z.string().meta({ description: 'ISO 8601.' }),
    started_at: z.string().nullable().meta({ description: 'ISO 8601: when a worker last took it up.' }),
    finished_at: z.string().nullable().meta({ description: 'ISO 8601.' }),
    report: SweepReport.nullable().meta({ description: 'Once it ran (succeeded or skipped): what was (or, with dry_run, would be) deleted.' }),
    reason: z.object({ code: z.string(), message: z.string() }).nullable().meta({ description: 'Why it was skipped or failed (sweep_lease_held, sweep_poisoned, sweep_abandoned).' }),
  })
  .meta({ id: 'Sweep' });

/** The OpenAPI document itself is described loosely: it is generated, not validated. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });

export type HealthReportResource = z.input<typeof HealthReport>;
export type SweepReportResource = z.input<typeof SweepReport>;
export type SweepResourceBody = z.input<typeof SweepResource>;
