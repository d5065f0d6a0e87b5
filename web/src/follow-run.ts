// Follows one run live: the run's event stream (SSE) first, polling GET …/runs/{id} when the stream
// cannot be had. Either way the caller gets the same callbacks, and a final run view at the end.
import type { Api } from './api';
import { followSse, sleep, type SseMessage } from './sse';
import { TERMINAL, type MessageContent, type Run, type RunStatus } from './types';

export interface RunCallbacks {
  status(status: RunStatus, lastError: { code: string; message: string } | null): void;
  toolCall(call: { id: string; name: string; arguments: string; owner: 'server' | 'client' }): void;
  toolOutput(output: { id: string; status: string; output?: string }): void;
  /** The run waits for the page: client tool outputs (`required_action`) or approvals (`pending_approvals`). */
  requiresAction(run: Run): void;
  /** Text streamed token by token (`message.delta`), when the backend relays it. */
  delta(messageId: string, text: string): void;
  /** A whole message the run wrote (`message.completed`). */
  message(message: { id: string; role: string; content: MessageContent[] }): void;
  /** How the page is following: 'events' (SSE) or 'polling'. */
  transport(kind: 'events' | 'polling'): void;
  /** The run ended; its final view. */
  finished(run: Run): void;
  error(error: unknown): void;
}

const POLL_MS = 1000;

export function followRun(api: Api, threadId: string, runId: string, on: RunCallbacks, signal: AbortSignal): Promise<void> {
  const runUrl = api.url(`/threads/${threadId}/runs/${runId}/events`);
  const onMessage = (message: SseMessage) => {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(message.data) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (message.event) {
      case 'run.status':
        on.status(data['status'] as RunStatus, (data['last_error'] as { code: string; message: string } | null) ?? null);
        break;
      case 'run.tool_call':
        on.toolCall({ id: String(data['id']), name: String(data['name']), arguments: String(data['arguments'] ?? ''), owner: data['owner'] === 'client' ? 'client' : 'server' });
        break;
      case 'run.tool_output':
        on.toolOutput({ id: String(data['id']), status: String(data['status']), ...(typeof data['output'] === 'string' ? { output: data['output'] } : {}) });
        break;
      case 'run.requires_client_action':
        void api.run(threadId, runId).then((run) => on.requiresAction(run), on.error);
        break;
      case 'message.delta': {
        const text = deltaText(data);
        if (text) on.delta(String(data['id'] ?? data['message_id'] ?? 'streaming'), text);
        break;
      }
      case 'message.completed':
        on.message({ id: String(data['id']), role: String(data['role']), content: (data['content'] as MessageContent[]) ?? [] });
        break;
      default:
        break;
    }
  };

  const finish = async () => {
    if (!signal.aborted) on.finished(await api.run(threadId, runId));
  };

  return (async () => {
    try {
      on.transport('events');
      await followSse({ url: runUrl, headers: () => api.headers(), onMessage, isFinal: (m) => m.event === 'done', signal });
      await finish();
    } catch (error) {
      if (signal.aborted) return;
      console.warn('run events unavailable, polling instead:', error);
      on.transport('polling');
      await poll(api, threadId, runId, on, signal).catch(on.error);
    }
  })();
}

/** The fallback: the run view every second; tool calls and status changes are told as they appear. */
async function poll(api: Api, threadId: string, runId: string, on: RunCallbacks, signal: AbortSignal): Promise<void> {
  let lastStatus: string | undefined;
  const seen = new Map<string, string>();
  while (!signal.aborted) {
    const run = await api.run(threadId, runId);
    if (run.status !== lastStatus) {
      lastStatus = run.status;
      on.status(run.status, run.last_error);
      if (waitsForPage(run)) on.requiresAction(run);
    }
    for (const call of run.tool_calls) {
      if (!seen.has(call.id)) on.toolCall(call);
      if (seen.get(call.id) !== call.status && call.status !== 'running' && call.status !== 'pending') on.toolOutput({ id: call.id, status: call.status, ...(call.output !== null ? { output: call.output } : {}) });
      seen.set(call.id, call.status);
    }
    if (TERMINAL.has(run.status)) {
      on.finished(run);
      return;
    }
    await sleep(POLL_MS, signal);
  }
}

/** Whether the run waits for something only the page can give: client tool outputs or approvals. */
export function waitsForPage(run: Run): boolean {
  return run.status === 'requires_action' && (run.required_action !== null || (run.pending_approvals ?? []).length > 0);
}

/**
 * The text of a `message.delta` event. The relay's payload is read tolerantly: `{delta: "text"}`,
 * `{text: "..."}`, or the Assistants shape `{delta: {content: [{type: 'text', text: {value}}]}}`.
 */
export function deltaText(data: Record<string, unknown>): string {
  const delta = data['delta'];
  if (typeof delta === 'string') return delta;
  if (typeof data['text'] === 'string') return data['text'];
  if (delta && typeof delta === 'object') {
    const content = (delta as { content?: Array<{ type?: string; text?: { value?: string } }> }).content ?? [];
    return content.map((part) => (part.type === 'text' ? (part.text?.value ?? '') : '')).join('');
  }
  return '';
}
