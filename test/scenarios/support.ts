// Shared steps of the training scenarios on the full local stack: the model's behaviour is
// scripted per thread (POST /_admin/script, through the stack on either protocol), everything else is the real app.
import { expect } from 'vitest';
import { apiClient, eventually, type Stack } from '../support/stack';
import { isTerminal } from '../../src/runs/run-facts';

/** A valid 1×1 PNG: what code_interpreter would return for a chart, in miniature. */
export const CHART_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type Turn =
  | { tool_calls: Array<{ name: string; arguments: Record<string, unknown> }> }
  | { message: string; image_png_base64?: string }
  | { code_interpreter: { input: string; logs?: string; image_png_base64?: string } };

export interface RunView {
  id: string;
  status: string;
  assistant: string;
  routed_to: string | null;
  tool_calls: Array<{ id: string; name: string; arguments: string; status: string; output: string | null; owner: string; approval: string | null }>;
  required_action: { type: string; tool_calls: Array<{ id: string; name: string; arguments: string }> } | null;
  pending_approvals: Array<{ id: string; name: string; arguments: string }>;
  usage: { total_tokens: number } | null;
}

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  run_id: string | null;
  assistant: string | null;
  content: Array<{ type: string; text?: { value: string }; image_file?: { file_id: string; url: string } }>;
}

export function scenario(stack: () => Stack, userId: string) {
  const api = apiClient(() => stack().api, userId);

  return {
    api,
    /** The upstream protocol this stack runs on. */
    get protocol() {
      return stack().protocol;
    },
    /** What the model does on this thread's next runs, in order (by thread or by its conversation, per protocol). */
    script: (threadId: string, turns: Turn[]) => stack().script(threadId, turns),
    /** Answers of the copilot router's next model calls (classification and direct answers). */
    scriptChat: (...answers: string[]) => stack().scriptChat(...answers),

    async newThread(assistant?: string, expectedStatus = 201): Promise<string> {
      const created = await api.post('/threads', assistant ? { assistant } : {});
      expect(created.status, JSON.stringify(created.body)).toBe(expectedStatus);
      return created.body!.id as string;
    },

    async ask(threadId: string, content: string, extra: Record<string, unknown> = {}): Promise<string> {
      const accepted = await api.post(`/threads/${threadId}/messages`, { content, ...extra });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      return accepted.body!.run.id as string;
    },

    async finished(threadId: string, runId: string, timeoutMs = 45_000): Promise<RunView> {
      return eventually(
        async () => {
          const run = await api.get(`/threads/${threadId}/runs/${runId}`);
          return isTerminal(run.body?.status) ? (run.body as RunView) : undefined;
        },
        { timeoutMs, intervalMs: 300 },
      );
    },

    /** The run once it waits for the owner to approve or deny server tool calls. */
    async awaitingApproval(threadId: string, runId: string, timeoutMs = 45_000): Promise<RunView> {
      return eventually<RunView>(
        async () => {
          const run = await api.get(`/threads/${threadId}/runs/${runId}`);
          expect(isTerminal(run.body?.status), `run ended while approval was expected: ${JSON.stringify(run.body)}`).toBe(false);
          return run.body?.status === 'requires_action' && run.body.pending_approvals?.length ? (run.body as RunView) : undefined;
        },
        { timeoutMs, intervalMs: 300 },
      );
    },

    /** The assistant messages the run wrote, oldest first. */
    async reply(threadId: string, runId: string): Promise<MessageView[]> {
      const listed = await api.get(`/threads/${threadId}/messages?run_id=${runId}&order=asc`);
      expect(listed.status).toBe(200);
      return listed.body!.data as MessageView[];
    },

    async messages(threadId: string): Promise<MessageView[]> {
      const listed = await api.get(`/threads/${threadId}/messages?order=asc&limit=100`);
      expect(listed.status).toBe(200);
      return listed.body!.data as MessageView[];
    },

    async mail(): Promise<Array<{ to: string; subject: string; content: string; idempotencyKey: string }>> {
      return ((await (await fetch(`${stack().mail.url}/_admin/mail`)).json()) as { items: never[] }).items;
    },

    /**
     * The image's bytes through this API's download route; where that route is not served yet
     * (404 with no error body: the host has no such function) through the Assistants service itself.
     */
    async downloadImage(url: string, fileId: string): Promise<{ bytes: Uint8Array; via: 'api' | 'assistants-service' }> {
      const response = await fetch(url, { headers: { 'x-user-id': userId } });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.status === 200) return { bytes, via: 'api' };
      expect({ status: response.status, body: new TextDecoder().decode(bytes) }, 'the download route exists but refused the file').toEqual({ status: 404, body: '' });
      const upstream = await fetch(`${stack().assistants.url}/v1/files/${fileId}/content`, { headers: { authorization: 'Bearer x' } });
      expect(upstream.status).toBe(200);
      return { bytes: new Uint8Array(await upstream.arrayBuffer()), via: 'assistants-service' };
    },
  };
}

export const textOf = (messages: MessageView[]): string =>
  messages.map((m) => m.content.map((part) => part.text?.value ?? '').join('')).join('\n');

export const imagesOf = (messages: MessageView[]) => messages.flatMap((m) => m.content.flatMap((part) => (part.image_file ? [part.image_file] : [])));

export function expectPng(bytes: Uint8Array): void {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(Buffer.from(bytes).toString('base64')).toBe(CHART_PNG_BASE64);
}
