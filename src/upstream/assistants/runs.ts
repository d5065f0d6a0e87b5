// The runs part of the Assistants adapter (src/runs/upstream-runs.ts, the worker's port): runs are
// created and resumed with `stream: true`, and the protocol's server-sent events become run states and
// completed messages. Everything Assistants-specific about following a run stays in this file.
import OpenAI, { APIError } from 'openai';
import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { UpstreamRunState, UpstreamRuns, UpstreamStream, UpstreamUpdate } from '../../runs/upstream-runs';

export function createAssistantsRuns(client: OpenAI, deploymentId: string): UpstreamRuns {
  return {
    async start(run) {
      try {
        const stream = await client.beta.threads.runs.create(run.threadId, {
          assistant_id: run.assistantId,
          ...(run.additionalInstructions ? { additional_instructions: run.additionalInstructions } : {}),
          metadata: { [METADATA_KEYS.runId]: run.runId, [METADATA_KEYS.deployment]: deploymentId },
          stream: true,
        });
        return { stream: updates(stream) };
      } catch (error) {
        // A previous delivery created the run and died before recording it: adopt that run.
        const active = error instanceof APIError && error.status === 400 ? /already has an active run (\S+?)\.?$/.exec(error.message) : null;
        if (!active?.[1]) throw error;
        const existing = await client.beta.threads.runs.retrieve(active[1], { thread_id: run.threadId });
        if (existing.metadata?.[METADATA_KEYS.runId] !== run.runId) throw error;
        return { adopted: runState(existing) };
      }
    },

    async retrieve(threadId, upstreamRunId) {
      const { data, response } = await client.beta.threads.runs.retrieve(upstreamRunId, { thread_id: threadId }).withResponse();
      const pollAfterMs = Number(response.headers.get('openai-poll-after-ms'));
      return { state: runState(data), ...(Number.isFinite(pollAfterMs) && pollAfterMs > 0 ? { pollAfterMs } : {}) };
    },

    async submitToolOutputs(threadId, upstreamRunId, outputs) {
      try {
        return updates(await client.beta.threads.runs.submitToolOutputs(upstreamRunId, { thread_id: threadId, tool_outputs: outputs, stream: true }));
      } catch (error) {
        if (error instanceof APIError && error.status === 400 && /do not accept tool outputs/.test(error.message)) return null;
        throw error;
      }
    },

    async cancel(threadId, upstreamRunId) {
      await client.beta.threads.runs.cancel(upstreamRunId, { thread_id: threadId });
    },

    async runMessages(threadId, upstreamRunId) {
      const page = await client.beta.threads.messages.list(threadId, { run_id: upstreamRunId, order: 'asc', limit: 100 });
      return page.data;
    },

    async file(fileId) {
      const file = await client.files.retrieve(fileId);
      return { filename: file.filename, bytes: file.bytes };
    },
  };
}

/** The protocol's run object, as the worker sees it. */
export function runState(run: Run): UpstreamRunState {
  return {
    id: run.id,
    status: run.status,
    ...(run.expires_at ? { expiresAt: run.expires_at * 1000 } : {}),
    ...(run.usage ? { usage: { prompt_tokens: run.usage.prompt_tokens, completion_tokens: run.usage.completion_tokens, total_tokens: run.usage.total_tokens } } : {}),
    ...(run.last_error ? { lastError: { code: run.last_error.code, message: run.last_error.message } } : {}),
    toolCalls: (run.required_action?.submit_tool_outputs.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
  };
}

interface EventStream extends AsyncIterable<AssistantStreamEvent> {
  controller: AbortController;
}

/** Run events (`thread.run.*`, not steps) become states; message text deltas and completed messages pass through; the rest is dropped. */
function updates(stream: EventStream): UpstreamStream {
  async function* read(): AsyncGenerator<UpstreamUpdate> {
    for await (const event of stream) {
      if (event.event === 'thread.message.completed') yield { type: 'message', message: event.data };
      else if (event.event === 'thread.message.delta') {
        const text = (event.data.delta.content ?? []).map((part) => (part.type === 'text' ? (part.text?.value ?? '') : '')).join('');
        if (text) yield { type: 'text_delta', messageId: event.data.id, text };
      }
      else if (event.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.')) yield { type: 'state', state: runState(event.data as Run) };
    }
  }
  const iterable = read();
  return {
    [Symbol.asyncIterator]: () => iterable,
    abort: () => stream.controller.abort(),
    get aborted() {
      return stream.controller.signal.aborted;
    },
  };
}
