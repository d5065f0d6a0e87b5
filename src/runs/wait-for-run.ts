// Waiting for a run to finish (POST .../messages?wait=): polls the ledger the worker keeps current, so
// waiting costs no upstream calls. One helper, shaped like openai-node's lib/polling: poll until a
// condition holds or the time is up.
import type { Ledger, RunRecord } from '../store/ledger';
import { isTerminal } from './run-facts';

export interface WaitDeps {
  ledger: Pick<Ledger, 'getRun'>;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const WAIT_POLL_INTERVAL_MS = 250;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run once it has ended, or undefined when it is still going after `timeoutMs`. */
export async function waitForRun(deps: WaitDeps, threadId: string, runId: string, timeoutMs: number, pollIntervalMs = WAIT_POLL_INTERVAL_MS): Promise<RunRecord | undefined> {
  const sleep = deps.sleep ?? realSleep;
  const deadline = deps.now() + timeoutMs;
  while (deps.now() < deadline) {
    const run = await deps.ledger.getRun(threadId, runId);
    if (run && isTerminal(run.status)) return run;
    await sleep(Math.min(pollIntervalMs, Math.max(0, deadline - deps.now())));
  }
  return undefined;
}
