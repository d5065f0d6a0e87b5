// A user message's attachments are named by the message list (and so by a reopened page), on either protocol. On
// Responses a conversation item keeps no attachments, so the adapter records them under the item in the ledger;
// the record must survive the create-once path: a lost answer to the item create (the local server's lose_answers
// fault) is found again, and the found item gets its attachments once.
import { describe, expect, it } from 'vitest';
import { isTerminal } from '../../../src/runs/run-facts';
import { apiClient, eventually, useStack } from '../../support/stack';

const stack = useStack();
const USER = 'attaching-user';

const faults = (body: unknown) =>
  fetch(`${stack().assistants.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const messageRoute = () => (stack().protocol === 'assistants' ? 'POST /threads/{thread_id}/messages' : 'POST /conversations/{conversation_id}/items');

async function upload(content: string, filename: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([content], { type: 'text/csv' }), filename);
  form.append('purpose', 'assistants');
  const response = await fetch(`${stack().api}/files`, { method: 'POST', headers: { 'x-user-id': USER }, body: form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

type Listed = Array<{ id: string; role: string; content: Array<{ text?: { value: string } }>; attachments: Array<{ file_id: string; tools: Array<{ type: string }> }> }>;

describe('message attachments', () => {
  it('are listed with their user message, also when the answer to the create was lost', async () => {
    const api = apiClient(() => stack().api, USER);
    const threadId = (await api.post('/threads', {})).body!.id as string;
    const csv = await upload('Symbol,Shares\nMSFT,10\n', 'holdings.csv');
    const notes = await upload('Symbol,Note\nMSFT,core\n', 'notes.csv');

    const send = async (content: string, attachments?: unknown[]) => {
      const accepted = await api.post(`/threads/${threadId}/messages`, { content, ...(attachments ? { attachments } : {}) });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      const runId = accepted.body!.run.id as string;
      await eventually(async () => (isTerminal((await api.get(`/threads/${threadId}/runs/${runId}`)).body?.status) ? true : undefined));
      return accepted.body!.message_id as string;
    };

    const first = await send('Read this', [{ file_id: csv, tools: [{ type: 'code_interpreter' }] }]);
    await faults({ lose_answers: { [messageRoute()]: 1 } });
    let second: string;
    try {
      second = await send('And these two', [
        { file_id: notes, tools: [{ type: 'code_interpreter' }] },
        { file_id: csv, tools: [{ type: 'code_interpreter' }] },
      ]);
      const left = (await (await fetch(`${stack().assistants.url}/_admin/faults`)).json()) as { lose_answers: Record<string, number> };
      expect(left.lose_answers[messageRoute()]).toBe(0);
    } finally {
      await faults({});
    }
    const third = await send('No file this time');

    const messages = (await api.get(`/threads/${threadId}/messages?order=asc`)).body!.data as Listed;
    const mine = messages.filter((m) => m.role === 'user');
    expect(mine.map((m) => [m.id, m.content[0]?.text?.value])).toEqual([
      [first, 'Read this'],
      [second, 'And these two'],
      [third, 'No file this time'],
    ]);
    expect(mine.map((m) => m.attachments)).toEqual([
      [{ file_id: csv, tools: [{ type: 'code_interpreter' }] }],
      [
        { file_id: notes, tools: [{ type: 'code_interpreter' }] },
        { file_id: csv, tools: [{ type: 'code_interpreter' }] },
      ],
      [],
    ]);
    for (const reply of messages.filter((m) => m.role === 'assistant')) expect(reply.attachments).toEqual([]);
    // A page that starts elsewhere (newest first) names them too.
    const newestFirst = (await api.get(`/threads/${threadId}/messages?order=desc&limit=4`)).body!.data as Listed;
    expect(newestFirst.find((m) => m.id === second)?.attachments.map((a) => a.file_id)).toEqual([notes, csv]);
  });
});
