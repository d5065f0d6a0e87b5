// POST /api/maintenance/sweep (admin key): the scheduled sweep on demand, `?dry_run=true` to list what would go.
import { runSweep, type SweepSummary } from '../../sweep';
import { sweepDeps } from '../../runtime';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { json } from '../results';
import type { SweepReportResource } from '../schemas/system';
import type { GetDeps } from './deps';

export function maintenanceRoutes(getDeps: GetDeps) {
  return [
    bindRoute(routeSpecs.runSweep, async ({ query, logger, requestId }) => {
      const deps = await getDeps();
      const summary = await runSweep(sweepDeps(deps, logger, `http@${requestId}`, query.dry_run));
      // Another sweep holding the lease is not an error: the report says lease_acquired: false.
      return json(200, sweepReport(summary));
    }),
  ];
}

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
