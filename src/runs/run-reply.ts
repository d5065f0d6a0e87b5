// The assistant messages a run wrote: its upstream run's, or for a run the copilot router answered
// directly (`other`, no upstream run) the reply that carries our run id.
import type OpenAI from 'openai';
import type { Message } from 'openai/resources/beta/threads/messages';
import { listDirectReply, OTHER_ROUTE } from '../copilot';
import type { RunRecord } from '../store/ledger';
import type { UpstreamRuns } from './upstream-runs';

export interface ReplyDeps {
  upstream: Pick<UpstreamRuns, 'runMessages'>;
  /** Reads direct replies (thread messages). */
  client: OpenAI;
}

export async function runReply(deps: ReplyDeps, run: Pick<RunRecord, 'threadId' | 'runId' | 'upstreamRunId' | 'routedTo'>): Promise<Message[]> {
  if (run.upstreamRunId) return (await deps.upstream.runMessages(run.threadId, run.upstreamRunId)).filter((m) => m.role === 'assistant');
  if (run.routedTo === OTHER_ROUTE) return listDirectReply(deps.client, run.threadId, run.runId);
  return [];
}
