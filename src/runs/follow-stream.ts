// Follows a run through the protocol's server-sent events (create run / submit tool outputs
// with `stream: true`): state changes arrive as they happen, for one upstream call, instead
// of being discovered by polling.
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import { isTerminal } from './run-status';

export type StreamOutcome =
  /** The run reached requires_action or a terminal status. */
  | { kind: 'decisive'; run: Run }
  /** The budget ran out (or the stream ended early): hand the run back to the queue. */
  | { kind: 'interrupted'; run?: Run };

export interface StreamHandlers {
  onRun(run: Run): Promise<void>;
  onMessageCompleted(message: Extract<AssistantStreamEvent, { event: 'thread.message.completed' }>['data']): Promise<void>;
}

export interface AbortableStream extends AsyncIterable<AssistantStreamEvent> {
  controller: AbortController;
}

export async function followStream(stream: AbortableStream, handlers: StreamHandlers, budgetEndsAt: number, now: () => number): Promise<StreamOutcome> {
  const timer = setTimeout(() => stream.controller.abort(), Math.max(0, budgetEndsAt - now()));
  let last: Run | undefined;
  try {
    for await (const event of stream) {
      if (event.event === 'thread.message.completed') {
        await handlers.onMessageCompleted(event.data);
        continue;
      }
      if (!event.event.startsWith('thread.run.') || event.event.startsWith('thread.run.step.')) continue;
      last = event.data as Run;
      await handlers.onRun(last);
      if (last.status === 'requires_action' || isTerminal(last.status)) {
        stream.controller.abort();
        return { kind: 'decisive', run: last };
      }
    }
    return { kind: 'interrupted', run: last };
  } catch (error) {
    if (stream.controller.signal.aborted) return { kind: 'interrupted', run: last };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
