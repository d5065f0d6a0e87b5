// Human-readable lines for a sweep summary (the CLI prints them; logs carry the JSON).
import { SWEEP_KINDS, type SweepSummary } from './summary';

export function formatSweepSummary(summary: SweepSummary): string[] {
  if (!summary.leaseAcquired) return ['Another sweep is running (lease held); nothing done.'];
  const lines = [`Sweep ${summary.dryRun ? '(dry run) ' : ''}${summary.startedAt} → ${summary.finishedAt}: ${summary.complete ? 'complete' : 'incomplete, the next sweep continues'}`];
  for (const kind of SWEEP_KINDS) {
    const k = summary.kinds[kind];
    if (!k) continue; // not swept on this protocol
    const skipped = Object.entries(k.skipped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
    const done = summary.dryRun ? `would delete ${k.wouldDelete?.length ?? 0}` : `deleted ${k.deleted}`;
    lines.push(`  ${kind.padEnd(13)} examined ${k.examined}, ${done}, failed ${k.failed}, skipped: ${skipped}`);
    if (summary.dryRun && k.wouldDelete?.length) lines.push(...k.wouldDelete.map((id) => `    - ${id}`));
  }
  for (const error of summary.errors) lines.push(`  error ${error.kind} ${error.id}: ${error.message}`);
  return lines;
}
