// Non-idempotent upstream creates are not retried blindly (issue #14): the service adds the user's message and the
// answer is lost on the way back (the local server's lose_answers fault). The message must stand on the thread once,
// and the run must go on, on either protocol.
import { describe, expect, it } from 'vitest';
import { apiClient, eventually, useStack } from '../../support/stack';
import { isTerminal } from '../../../src/runs/run-facts';

const stack = useStack();
const faults = (body: unknown) =>
  fetch(`${stack().assistants.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The upstream route that adds a user message, per protocol. */
const messageRoute = () => (stack().protocol === 'assistants' ? 'POST /threads/{thread_id}/messages' : 'POST /conversations/{conversation_id}/items');

describe('a lost answer to the user-message create', () => {
  it('leaves the message on the thread once, and the run completes', async () => {
    const api = apiClient(() => stack().api, 'lost-answer');
    const thread = await api.post('/threads', {});
    const threadId = thread.body!.id as string;
    await faults({ lose_answers: { [messageRoute()]: 1 } });
    try {
      const accepted = await api.post(`/threads/${threadId}/messages`, { content: 'Only once, please' });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      const runId = accepted.body!.run.id as string;
      const run = await eventually(async () => {
        const current = await api.get(`/threads/${threadId}/runs/${runId}`);
        return isTerminal(current.body?.status) ? current.body : undefined;
      });
      expect(run!.status).toBe('completed');
      const messages = (await api.get(`/threads/${threadId}/messages?order=asc`)).body!.data as Array<{ id: string; role: string; run_id: string | null; content: Array<{ text?: { value: string } }> }>;
      const mine = messages.filter((m) => m.role === 'user');
      expect(mine.map((m) => m.content[0]?.text?.value)).toEqual(['Only once, please']);
      expect(mine[0]!.id).toBe(accepted.body!.message_id);
      // The fault was used up: the service really did answer one create with a dropped connection.
      const left = (await (await fetch(`${stack().assistants.url}/_admin/faults`)).json()) as { lose_answers: Record<string, number> };
      expect(left.lose_answers[messageRoute()]).toBe(0);
    } finally {
      await faults({});
    }
  });
});
