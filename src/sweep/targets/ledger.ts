// Ledger retention: runs created before LEDGER_RETENTION go with their tool calls and run events.
// (Thread rows go with their threads; Files rows with their files, in targets/files.ts.) Each run is one deletion
// against the cap; both ledger queries read the same filter in key order, so the runs counted here
// are the ones deleteRunsOlderThan removes.
// What a run leaves upstream beyond its thread is the protocol's (RunsUpstream): nothing on Assistants (runs
// live in their thread); its chain's stored responses on Responses, which only these rows can find, so they go
// first — a run whose responses could not all be deleted keeps its rows for the next sweep.
import type { RunRecord } from '../../store/ledger';
import type { SweepContext } from '../context';
import { deletePart, storedResponseIds } from './parts';

/** Removes what `runs` (in key order) left upstream; returns how many of them, from the first, may lose their rows. */
export type RunsUpstream = (ctx: SweepContext, runs: readonly RunRecord[]) => Promise<number>;

export const assistantsRunsUpstream: RunsUpstream = async (_ctx, runs) => runs.length;

export const responsesRunsUpstream: RunsUpstream = async (ctx, runs) => {
  for (const [index, run] of runs.entries()) {
    try {
      for (const id of storedResponseIds(run)) await deletePart(ctx, 'responses', id, () => ctx.client.responses.delete(id, ctx.requestOptions));
    } catch (error) {
      ctx.logger.warn('sweep: stored responses of an old run not deleted; its rows stay', { threadId: run.threadId, runId: run.runId, error });
      return index;
    }
  }
  return runs.length;
};

export function sweepLedger(runsUpstream: RunsUpstream): (ctx: SweepContext) => Promise<void> {
  return async (ctx) => {
    const cutoff = ctx.now() - ctx.config.LEDGER_RETENTION;
    // One past what may be deleted, so reaching the cap is noticed (and reported) rather than silent.
    const limit = ctx.config.SWEEP_MAX_DELETIONS + 1;
    const runs = await ctx.ledger.listRunsCreatedBefore(cutoff, { limit });
    const allowedRuns: RunRecord[] = [];
    for (const run of runs) {
      ctx.summary.examined('ledger');
      if (!ctx.mayDelete('ledger')) continue;
      allowedRuns.push(run);
    }
    const released = await runsUpstream(ctx, allowedRuns);
    if (released < allowedRuns.length) ctx.summary.failed('ledger', `run:${allowedRuns[released]?.runId}`, new Error('its stored responses were not all deleted'), allowedRuns.length - released);
    const allowed = released;
    if (ctx.dryRun) {
      for (const run of allowedRuns.slice(0, allowed)) ctx.summary.deleted('ledger', `run:${run.runId}`);
      return;
    }
    if (allowed === 0) return;
    try {
      const result = await ctx.ledger.deleteRunsOlderThan(cutoff, { limit: allowed });
      ctx.summary.deleted('ledger', '*', result.runs);
      // Fewer than counted: someone (a purged thread) removed them meanwhile.
      ctx.summary.skipped('ledger', 'gone', allowed - result.runs);
      ctx.logger.info('sweep: deleted ledger runs', { before: new Date(cutoff).toISOString(), ...result });
    } catch (error) {
      ctx.logger.warn('sweep: ledger retention failed', { error });
      ctx.summary.failed('ledger', '*', error, allowed);
    }
  };
}
