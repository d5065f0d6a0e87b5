// Paced replies on the Responses protocol (a scripted turn's `stream: { chunk_chars, interval_ms }`): output_text
// deltas spaced on the server clock; between them the response is in_progress and its message holds the text so
// far; cancelling a background response between deltas stops the reply. The clock is advanced by hand.
import { describe, expect, it } from 'vitest';
import { useResponsesServer } from './support';

const h = useResponsesServer();
const TEXT = 'one two three four';
const PACED = { message: TEXT, stream: { chunk_chars: 4, interval_ms: 60_000 } };

type Output = Array<{ type: string; status?: string; content?: Array<{ type: string; text?: string }> }>;
const textOf = (output: Output) => output.flatMap((i) => (i.type === 'message' ? (i.content ?? []).map((c) => c.text ?? '') : [])).join('');

describe('paced replies (Responses)', () => {
  it('streams the reply one delta per interval; between deltas the response shows the text so far, in progress', async () => {
    await h.admin.script({ turns: [PACED] });
    const stream = await h.openai.responses.create({ model: 'gpt-4o', input: 'count', background: true, stream: true });
    const deltas: string[] = [];
    const seen: Array<{ text: string; status: string }> = [];
    let final = '';
    let id = '';
    for await (const event of stream) {
      if (event.type === 'response.created') id = event.response.id;
      if (event.type === 'response.output_text.delta') {
        deltas.push(event.delta);
        const response = await h.openai.responses.retrieve(id);
        seen.push({ text: textOf(response.output as Output), status: response.status! });
        await h.admin.advanceClock(60_000);
      }
      if (event.type === 'response.completed') final = event.response.status!;
    }
    expect(final).toBe('completed');
    expect(deltas).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(seen).toEqual([
      { text: 'one ', status: 'in_progress' },
      { text: 'one two ', status: 'in_progress' },
      { text: 'one two three ', status: 'in_progress' },
      // The last delta is followed at once by the done events and response.completed.
      { text: TEXT, status: 'completed' },
    ]);
  });

  it('stops a paced reply whose background response is cancelled between deltas', async () => {
    await h.admin.script({ turns: [PACED] });
    const stream = await h.openai.responses.create({ model: 'gpt-4o', input: 'count', background: true, stream: true });
    const types: string[] = [];
    let id = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.created') id = event.response.id;
      if (event.type === 'response.output_text.delta') await h.openai.responses.cancel(id);
    }
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(1);
    await h.admin.advanceClock(300_000);
    const response = await h.openai.responses.retrieve(id);
    expect(response.status).toBe('cancelled');
    expect(response.output).toEqual([expect.objectContaining({ type: 'message', status: 'incomplete' })]);
    expect(textOf(response.output as Output)).toBe('one ');
  });
});
