// Ledger retention: runs created before LEDGER_RETENTION go with their tool calls and run events.
// (Thread rows go with their threads; Files rows with their files, in targets/files.ts.) Each run is one deletion
// against the cap; both ledger queries read the same filter in key order, so the runs counted here
// are the ones deleteRunsOlderThan removes.
import type { SweepContext } from '../context';

export async function sweepLedger(ctx: SweepContext): Promise<void> {
  const cutoff = ctx.now() - ctx.config.LEDGER_RETENTION;
  // One past what may be deleted, so reaching the cap is noticed (and reported) rather than silent.
  const limit = ctx.config.SWEEP_MAX_DELETIONS + 1;
  const runs = await ctx.ledger.listRunsCreatedBefore(cutoff, { limit });
  let allowed = 0;
  for (const run of runs) {
    ctx.summary.examined('ledger');
    if (!ctx.mayDelete('ledger')) continue;
    allowed += 1;
    if (ctx.dryRun) ctx.summary.deleted('ledger', `run:${run.runId}`);
  }
  if (ctx.dryRun || allowed === 0) return;
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
}
