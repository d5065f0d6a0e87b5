// Cancellation reaches a tool while it runs: the run's ledger row is re-read every interval while a backend
// tool executes, and a cancel the frontend recorded (cancelRequested) aborts the tool's AbortSignal, which the
// tools pass to their fetches and sleeps.
import type { Ledger, RunRecord } from '../store/ledger';

/** How often a running tool's run is checked for a cancel (one point read each). */
export const CANCEL_POLL_MS = 1_000;

export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor() {
    super('the run was cancelled');
  }
}

export interface CancelWatch {
  readonly signal: AbortSignal;
  stop(): void;
}

export function watchForCancel(ledger: Pick<Ledger, 'getRun'>, run: Pick<RunRecord, 'threadId' | 'runId'>, intervalMs = CANCEL_POLL_MS): CancelWatch {
  const controller = new AbortController();
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    ledger
      .getRun(run.threadId, run.runId)
      .then((current) => {
        if (current?.cancelRequested) controller.abort(new RunCancelledError());
      })
      // A failed read only delays noticing; the next tick reads again.
      .catch(() => undefined)
      .finally(() => (reading = false));
  }, intervalMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    stop: () => clearInterval(timer),
  };
}
