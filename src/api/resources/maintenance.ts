// Requested sweeps (admin key): POST /api/maintenance/sweep records a sweep and queues it, answering 202 with the
// sweep and a Location to poll; GET /api/maintenance/sweeps/{sweepId} answers its status and, once it ran, its
// report. The sweep itself runs in the sweep worker (src/sweep/run-request.ts), never in the request: Azure cuts
// HTTP responses at 230 s, and a real sweep can take longer.
import type { HttpRequest } from '@azure/functions';
import { notFound } from '../../errors';
import type { SweepRequestRecord } from '../../store/ledger';
import type { SweepSummary } from '../../sweep';
import { requestSweep } from '../../sweep/requests';
import { sweepRequestDeps } from '../../runtime';
import { route } from '../route';
import { apiUrl, json } from '../results';
import { SweepParams, SweepQuery, SweepResource, type SweepReportResource, type SweepResourceBody } from '../schemas/system';

// The Functions host reserves routes (and function names) starting with "admin", even under
// the api/ prefix, so the operator-only sweep lives under maintenance/ with the admin key.
const OPERATOR = { authLevel: 'admin', identity: 'none', tags: ['maintenance'] } as const;

export const runSweepRoute = route(
  {
    ...OPERATOR,
    name: 'runSweep',
    method: 'POST',
    path: '/maintenance/sweep',
    summary: 'Request a cleanup sweep',
    description:
      'Records a sweep and queues it for the sweep worker; poll the Location. A request made while a sweep of the same kind (dry run or not) is queued or running joins it: the answer is that sweep.',
    query: SweepQuery,
    responses: {
      202: { description: 'The sweep is queued (or under way, when the request joined it).', schema: SweepResource, headers: { Location: { description: 'URL of the sweep (GET it to poll).' } } },
    },
  },
  async ({ query, request, logger, runtime }) => {
    const deps = await runtime();
    const { request: sweep } = await requestSweep(sweepRequestDeps(deps, logger), { dryRun: query.dry_run ?? deps.config.SWEEP_DRY_RUN });
    return json(202, sweepResource(sweep), { Location: sweepUrl(request, sweep.sweepId) });
  },
);

export const getSweepRoute = route(
  {
    ...OPERATOR,
    name: 'getSweep',
    method: 'GET',
    path: '/maintenance/sweeps/{sweepId}',
    summary: 'A requested sweep: its status and, once it ran, its report',
    params: SweepParams,
    responses: { 200: { description: 'The sweep.', schema: SweepResource } },
  },
  async ({ params, runtime }) => {
    const sweep = await (await runtime()).ledger.getSweepRequest(params.sweepId);
    if (!sweep) throw notFound('Sweep');
    return json(200, sweepResource(sweep));
  },
);

const sweepUrl = (request: HttpRequest, sweepId: string) => apiUrl(request, `/maintenance/sweeps/${sweepId}`);
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function sweepResource(sweep: SweepRequestRecord): SweepResourceBody {
  return {
    id: sweep.sweepId,
    object: 'maintenance.sweep',
    status: sweep.status,
    dry_run: sweep.dryRun,
    requested_at: new Date(sweep.requestedAt).toISOString(),
    started_at: iso(sweep.startedAt),
    finished_at: iso(sweep.finishedAt),
    report: sweep.summary ? sweepReport(sweep.summary) : null,
    reason: sweep.reason ?? null,
  };
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
