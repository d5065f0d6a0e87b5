// Deleting what belongs to something else (a Responses thread's or an old run's stored responses, a thread's
// container and vector store): each part is counted under its own kind, but takes no slot of the cap — the
// thread or run it belongs to took one.
import type { RunRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import type { SweepKind } from '../summary';
import { deleteUnlessGone } from '../upstream-calls';

/**
 * Every stored response of a run's chain: upstreamRunIds, and upstreamRunId (the newest) in case a crash kept it
 * from the list — but only a response id: a run recorded while the deployment spoke Assistants names an
 * Assistants run there, which went with its thread.
 */
export function storedResponseIds(run: Pick<RunRecord, 'upstreamRunId' | 'upstreamRunIds'>): string[] {
  const newest = run.upstreamRunId?.startsWith(RESPONSE_ID_PREFIX) ? [run.upstreamRunId] : [];
  return [...new Set([...(run.upstreamRunIds ?? []), ...newest])];
}

const RESPONSE_ID_PREFIX = 'resp_';

/** Deletes one part (a dry run lists it); a failure is counted under its kind and thrown, failing its owner too. */
export async function deletePart(ctx: SweepContext, kind: SweepKind, id: string, call: () => Promise<unknown>): Promise<void> {
  ctx.summary.examined(kind);
  try {
    if (!ctx.dryRun) await deleteUnlessGone(call);
    ctx.summary.deleted(kind, id);
  } catch (error) {
    ctx.summary.failed(kind, id, error);
    throw new Error(`its ${kind} ${id} was not deleted`, { cause: error });
  }
}

