// Paced replies (a scripted turn's `stream: { chunk_chars, interval_ms }`): the text goes out in deltas spaced on the
// server clock, so a client sees it grow; the message reads what was streamed so far, and a cancel between deltas
// stops the reply. The clock is advanced by hand, so nothing here waits on wall time.
import { describe, expect, it } from 'vitest';
import { sendEmailTool } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();
const TEXT = 'one two three four';
const PACED = { message: TEXT, stream: { chunk_chars: 4, interval_ms: 60_000 } };

async function setup() {
  const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
  const thread = await h.openai.beta.threads.create({ messages: [{ role: 'user', content: 'count' }] });
  await h.admin.script({ thread_id: thread.id, turns: [PACED] });
  return { assistant, thread };
}

const textOf = (message: { content: Array<{ type: string; text?: { value: string } }> }) => message.content.map((c) => c.text?.value ?? '').join('');

describe('paced replies (Assistants)', () => {
  it('streams the reply one delta per interval; between deltas the message shows the text so far and the run is in progress', async () => {
    const { assistant, thread } = await setup();
    const stream = await h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id, stream: true });
    const deltas: string[] = [];
    const seen: Array<{ text: string; message: string; run: string }> = [];
    let last = '';
    for await (const event of stream) {
      if (event.event === 'thread.message.delta') {
        for (const part of event.data.delta.content ?? []) if (part.type === 'text') deltas.push(part.text?.value ?? '');
        const message = await h.openai.beta.threads.messages.retrieve(event.data.id, { thread_id: thread.id });
        const runs = await h.openai.beta.threads.runs.list(thread.id);
        seen.push({ text: textOf(message), message: message.status, run: runs.data[0]!.status });
        await h.admin.advanceClock(60_000);
      }
      if (event.event === 'thread.run.completed') last = event.data.status;
    }
    expect(last).toBe('completed');
    expect(deltas).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(seen).toEqual([
      { text: 'one ', message: 'in_progress', run: 'in_progress' },
      { text: 'one two ', message: 'in_progress', run: 'in_progress' },
      { text: 'one two three ', message: 'in_progress', run: 'in_progress' },
      // The last delta is followed at once by the completed message and run.
      { text: TEXT, message: 'completed', run: 'completed' },
    ]);
  });

  it('stops a paced reply that is cancelled between deltas: the message keeps what was sent, incomplete', async () => {
    const { assistant, thread } = await setup();
    const stream = await h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id, stream: true });
    const events: string[] = [];
    let runId = '';
    for await (const event of stream) {
      events.push(event.event);
      if (event.event === 'thread.run.created') runId = event.data.id;
      if (event.event === 'thread.message.delta') await h.openai.beta.threads.runs.cancel(runId, { thread_id: thread.id });
    }
    expect(events.filter((e) => e === 'thread.message.delta')).toHaveLength(1);
    expect(events.slice(-2)).toEqual(['thread.message.incomplete', 'thread.run.cancelled']);
    await h.admin.advanceClock(300_000);
    const [reply] = (await h.openai.beta.threads.messages.list(thread.id, { order: 'desc' })).data;
    expect(reply).toMatchObject({ role: 'assistant', status: 'incomplete', incomplete_details: { reason: 'run_cancelled' } });
    expect(textOf(reply!)).toBe('one ');
  });

  it('refuses a pacing it cannot honour', async () => {
    const response = await fetch(`${h.url}/_admin/script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ turns: [{ message: 'x', stream: { chunk_chars: 0, interval_ms: 10 } }] }) });
    expect(response.status).toBe(400);
  });
});
