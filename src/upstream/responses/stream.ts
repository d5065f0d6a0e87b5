// A response's server-sent events as the worker's updates (src/runs/upstream-runs.ts):
//   response.created/queued/in_progress/completed/failed/incomplete → `state` (responseState; at the end with the
//                                                                     chain's usage, usage.ts)
//   response.output_text.delta                                     → `text_delta`
//   response.output_item.done (an assistant message)               → `message` (Assistants shape)
//   response.output_item.done (code_interpreter_call)              → the thread's container is recorded
// Bookkeeping rides along: the first event that names the response links it into the run's chain (before the
// worker sees it), and a stream left before the run was decisive records the last event handled, so the next
// delivery resumes after it (responses.retrieve with starting_after) instead of polling or replaying.
import type OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Logger } from '../../logging';
import type { Ledger } from '../../store/ledger';
import { isDecisive, isTerminal } from '../../runs/run-facts';
import type { UpstreamStream, UpstreamUpdate } from '../../runs/upstream-runs';
import type { Bindings } from './bindings';
import type { EndedResponses } from './ended';
import { toAssistantsMessage } from './messages';
import { responseState } from './state';
import { withChainUsage } from './usage';

export interface StreamDeps {
  client: OpenAI;
  ledger: Ledger;
  bindings: Bindings;
  logger: Logger;
  now: () => number;
  /** How long a response asking for tool outputs takes them (RUN_ACTION_TIMEOUT). */
  actionTimeoutMs: number;
  /** Where a response's final state is kept for the calls that follow (the next link's check, the chain's usage). */
  ended: EndedResponses;
}

export interface FollowedResponse {
  threadId: string;
  runId: string;
  /** A new response of the chain (linked at its first event); false when resuming one already linked. */
  link: boolean;
}

export function responseUpdates(deps: StreamDeps, source: Stream<ResponseStreamEvent>, followed: FollowedResponse): UpstreamStream {
  const { threadId, runId } = followed;
  const logger = deps.logger.child({ threadId, runId });
  async function* read(): AsyncGenerator<UpstreamUpdate> {
    let linked = !followed.link;
    let responseId: string | undefined;
    let createdAt = Math.floor(deps.now() / 1000);
    let handled: number | undefined;
    let decisive = false;
    try {
      for await (const event of source) {
        if ('response' in event && event.response?.id) {
          responseId = event.response.id;
          createdAt = event.response.created_at;
          if (!linked) {
            await deps.ledger.linkResponse(threadId, runId, responseId);
            linked = true;
          }
          deps.ended.remember(event.response);
          let state = responseState(event.response, deps.now(), deps.actionTimeoutMs);
          if (isTerminal(state.status)) state = await withChainUsage(deps.ended, state, event.response, (await deps.ledger.getRun(threadId, runId))?.upstreamRunIds);
          decisive = isDecisive(state.status);
          yield { type: 'state', state };
        } else if (event.type === 'response.output_text.delta') {
          if (event.delta) yield { type: 'text_delta', messageId: event.item_id, text: event.delta };
        } else if (event.type === 'response.output_item.done') {
          const item = event.item;
          if (item.type === 'message' && item.role === 'assistant') {
            yield { type: 'message', message: toAssistantsMessage(item, { threadId, createdAt, runId, located: deps.bindings.locate }) };
          } else if (item.type === 'code_interpreter_call' && item.container_id) {
            const containerId = item.container_id;
            await deps.bindings.updateResources(threadId, (current) => (current.containerId === containerId ? null : { ...current, containerId }));
          }
        }
        // Reached only once the consumer asked for the next update, i.e. handled this event's.
        handled = event.sequence_number;
      }
    } finally {
      if (!decisive && responseId && handled !== undefined) {
        const cursor = { responseId, sequence: handled };
        await deps.ledger.updateRun(threadId, runId, { streamCursor: cursor }).catch((error: unknown) => logger.warn('could not record where the stream stopped', { error }));
      }
    }
  }
  const iterable = read();
  return {
    [Symbol.asyncIterator]: () => iterable,
    abort: () => source.controller.abort(),
    get aborted() {
      return source.controller.signal.aborted;
    },
  };
}
