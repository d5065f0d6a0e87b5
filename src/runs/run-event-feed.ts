// A run's events as a live feed (what the SSE route streams): the ledger's events after a sequence
// number, then each new one as the worker records it, until the run has ended and every event was read.
import type { Ledger, RunEventRecord } from '../store/ledger';
import { isTerminal, type RunStatus } from './run-facts';

export const EVENT_POLL_INTERVAL_MS = 300;

export type FeedItem = { kind: 'event'; event: RunEventRecord } | { kind: 'done'; status: RunStatus | 'unknown' };

export async function* runEventFeed(
  ledger: Pick<Ledger, 'listRunEvents' | 'getRun'>,
  run: { threadId: string; runId: string },
  afterSeq: number,
  signal: AbortSignal,
): AsyncIterable<FeedItem> {
  let last = afterSeq;
  while (!signal.aborted) {
    const events = await ledger.listRunEvents(run.runId, { afterSeq: last });
    for (const event of events) {
      last = event.seq;
      yield { kind: 'event', event };
    }
    if (events.length > 0) continue;
    const current = await ledger.getRun(run.threadId, run.runId);
    if (!current || isTerminal(current.status)) {
      // Re-read once: the final events may have landed after the list above.
      for (const event of await ledger.listRunEvents(run.runId, { afterSeq: last })) {
        last = event.seq;
        yield { kind: 'event', event };
      }
      yield { kind: 'done', status: current?.status ?? 'unknown' };
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, EVENT_POLL_INTERVAL_MS));
  }
}
