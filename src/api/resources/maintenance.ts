// POST /api/maintenance/sweep (admin key): the scheduled sweep on demand, `?dry_run=true` to list what would go.
import { runSweep, type SweepSummary } from '../../sweep';
import { sweepDeps } from '../../runtime';
import { recordSweep } from '../../telemetry';
import { route } from '../route';
import { json } from '../results';
import { SweepQuery, SweepReport, type SweepReportResource } from '../schemas/system';

// The Functions host reserves routes (and function names) starting with "admin", even under
// the api/ prefix, so the operator-only sweep lives under maintenance/ with the admin key.
export const runSweepRoute = route(
  {
    name: 'runSweep',
    method: 'POST',
    path: '/maintenance/sweep',
    authLevel: 'admin',
    identity: 'none',
    summary: 'Run the cleanup sweep now',
    tags: ['maintenance'],
    query: SweepQuery,
    responses: { 200: { description: 'What was (or, with dry_run, would be) deleted.', schema: SweepReport } },
  },
  async ({ query, logger, requestId, runtime }) => {
    const summary = await runSweep(sweepDeps(await runtime(), logger, `http@${requestId}`, query.dry_run));
    recordSweep(summary);
    // Another sweep holding the lease is not an error: the report says lease_acquired: false.
    return json(200, sweepReport(summary));
  },
);

export function sweepReport(summary: SweepSummary): SweepReportResource {
  return {
    dry_run: summary.dryRun,
    started_at: summary.startedAt,
    finished_at: summary.finishedAt,
    lease_acquired: summary.leaseAcquired,
    complete: summary.complete,
    kinds: Object.fromEntries(
      Object.entries(summary.kinds).map(([kind, k]) => [kind, { examined: k.examined, deleted: k.deleted, skipped: k.skipped as Record<string, number>, failed: k.failed, ...(k.wouldDelete ? { would_delete: k.wouldDelete } : {}) }]),
    ),
    errors: summary.errors,
  };
}
