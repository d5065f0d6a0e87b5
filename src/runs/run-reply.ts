// The assistant messages a run wrote: its upstream run's (through the port), or for a run the copilot router
// answered directly (`other`, no upstream run) the reply its message.completed event recorded in the ledger,
// which reads the same on every protocol.
import type { Message } from 'openai/resources/beta/threads/messages';
import { OTHER_ROUTE } from '../copilot/constants';
import type { Ledger, RunRecord } from '../store/ledger';
import { METADATA_KEYS } from './run-facts';
import type { UpstreamRuns } from './upstream-runs';

export interface ReplyDeps {
  runs: Pick<UpstreamRuns, 'runMessages'>;
  ledger: Pick<Ledger, 'listRunEvents'>;
}

export type ReplyRun = Pick<RunRecord, 'threadId' | 'runId' | 'upstreamRunId' | 'routedTo'>;

export async function runReply(deps: ReplyDeps, run: ReplyRun): Promise<Message[]> {
  if (run.upstreamRunId) return (await deps.runs.runMessages(run.threadId, run.upstreamRunId)).filter((m) => m.role === 'assistant');
  if (run.routedTo === OTHER_ROUTE) return recordedReplies(deps.ledger, run);
  return [];
}

/** The assistant messages of a run's message.completed events, as messages of its thread. */
export async function recordedReplies(ledger: Pick<Ledger, 'listRunEvents'>, run: Pick<RunRecord, 'threadId' | 'runId'>): Promise<Message[]> {
  const events = await ledger.listRunEvents(run.runId);
  return events.flatMap((event): Message[] => {
    if (event.type !== 'message.completed' || event.data.role !== 'assistant') return [];
    const at = Math.floor(event.at / 1000);
    return [
      {
        id: event.data.id,
        object: 'thread.message',
        thread_id: run.threadId,
        run_id: null,
        role: 'assistant',
        assistant_id: null,
        status: 'completed',
        content: event.data.content,
        attachments: [],
        created_at: at,
        completed_at: at,
        incomplete_at: null,
        incomplete_details: null,
        // Like the direct reply upstream: it carries our run id.
        metadata: { [METADATA_KEYS.runId]: run.runId },
      },
    ];
  });
}
