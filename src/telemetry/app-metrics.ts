// Metrics recorded where no span wrapper sits: the sweep's deletions and open SSE connections.
import type { SweepSummary } from '../sweep';
import { ATTR } from './attributes';
import { instruments } from './instruments';

/** Deletions per kind (zeros included, so every kind has a series). A dry run deletes nothing and is not counted. */
export function recordSweep(summary: SweepSummary): void {
  if (summary.dryRun) return;
  for (const [kind, counts] of Object.entries(summary.kinds)) instruments().sweepDeletions.add(counts.deleted, { [ATTR.sweepKind]: kind });
}

/** Counts one open event stream; the returned function (idempotent) closes it. */
export function trackSseConnection(): () => void {
  instruments().sseConnections.add(1);
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    instruments().sseConnections.add(-1);
  };
}
