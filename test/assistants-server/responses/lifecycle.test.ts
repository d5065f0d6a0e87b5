// The Responses lifecycle through the openai SDK in all three URL styles: create/retrieve/delete,
// input_items, store:false, streaming in the service's event order, background polling, stream resume
// and cancel.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../fixtures';
import { collapse, useResponsesServer } from './support';

const h = useResponsesServer();

const MESSAGE_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

async function settle(c: OpenAI, id: string): Promise<OpenAI.Responses.Response> {
  for (;;) {
    const response = await c.responses.retrieve(id);
    if (response.status !== 'queued' && response.status !== 'in_progress') return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('creates a response, retrieves it, lists its input items and deletes it', async () => {
    const c = client();
    const response = await c.responses.create({ model: 'gpt-4o', input: 'Hello there', metadata: { topic: 'greeting' } });
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4o', background: false, error: null, incomplete_details: null, metadata: { topic: 'greeting' } });
    expect(response.output_text).toBe('Echo: Hello there');
    expect(response.output).toHaveLength(1);
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(message.id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(message.content).toEqual([{ type: 'output_text', text: 'Echo: Hello there', annotations: [], logprobs: [] }]);
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect(response.completed_at).not.toBeNull();

    const again = await c.responses.retrieve(response.id);
    expect(again.output_text).toBe('Echo: Hello there');
    expect(again.status).toBe('completed');

    const items = await c.responses.inputItems.list(response.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] });

    const deleted: unknown = await c.responses.delete(response.id);
    expect(deleted).toEqual({ id: response.id, object: 'response', deleted: true });
    const gone = await errorOf(c.responses.retrieve(response.id));
    expect(gone).toMatchObject({ status: 404, message: `Response with id '${response.id}' not found.`, type: 'invalid_request_error' });
  });

  it('answers but does not keep a store:false response', async () => {
    const c = client();
    const response = await c.responses.create({ model: 'gpt-4o', input: 'Keep it quiet', store: false });
    expect(response.output_text).toBe('Echo: Keep it quiet');
    expect((await errorOf(c.responses.retrieve(response.id))).status).toBe(404);
    const chained = await errorOf(c.responses.create({ model: 'gpt-4o', input: 'more', previous_response_id: response.id }));
    expect(chained).toMatchObject({ status: 404, param: 'previous_response_id', message: `Previous response with id '${response.id}' not found.` });
    const background = await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', store: false, background: true }));
    expect(background).toMatchObject({ status: 400, param: 'background' });
  });

  it('streams the service events in order with increasing sequence numbers', async () => {
    const c = client();
    const stream = c.responses.stream({ model: 'gpt-4o', input: 'A reply long enough to arrive in several deltas, please' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(collapse(events.map((e) => e.type))).toEqual(MESSAGE_EVENTS);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
    expect(events.filter((e) => e.type === 'response.output_text.delta').length).toBeGreaterThan(1);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Echo: A reply long enough to arrive in several deltas, please');
    const created = events[0] as OpenAI.Responses.ResponseCreatedEvent;
    expect(created.response.status).toBe('in_progress');
    expect((await c.responses.retrieve(final.id)).output_text).toBe(final.output_text);
  });

  it('runs a background response queued → in_progress → completed while retrieve polls', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ message: 'Done in the background.', delay_ms: 600_000 }] });
    const queued = await c.responses.create({ model: 'gpt-4o', input: 'Work on it', background: true, conversation: conversation.id });
    expect(queued.status).toBe('queued');
    expect(queued.background).toBe(true);
    let response = queued;
    while (response.status === 'queued') response = await c.responses.retrieve(queued.id);
    expect(response.status).toBe('in_progress');
    expect(response.output).toEqual([]);
    // The scripted turn spends its delay on the server clock; moving the clock finishes it.
    await h.admin.advanceClock(600_000);
    while (response.status === 'in_progress') response = await c.responses.retrieve(queued.id);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Done in the background.');
  });

  it('resumes a background stream after a sequence number', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ message: 'Resumable streams pick up where the client left off.', delay_ms: 30 }] });
    const first = await c.responses.create({ model: 'gpt-4o', input: 'go', background: true, stream: true, conversation: conversation.id });
    const all: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of first) all.push(event);
    expect(all.slice(0, 3).map((e) => e.type)).toEqual(['response.created', 'response.queued', 'response.in_progress']);
    expect(all.at(-1)!.type).toBe('response.completed');
    const id = (all[0] as OpenAI.Responses.ResponseCreatedEvent).response.id;

    const resumed = await c.responses.retrieve(id, { stream: true, starting_after: 4 });
    const rest: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of resumed) rest.push(event);
    expect(rest).toEqual(all.slice(5));

    const helper = c.responses.stream({ response_id: id, starting_after: 2 });
    const viaHelper: number[] = [];
    for await (const event of helper) viaHelper.push(event.sequence_number);
    expect(viaHelper).toEqual(all.slice(3).map((e) => e.sequence_number));
    expect((await helper.finalResponse()).output_text).toBe('Resumable streams pick up where the client left off.');

    const plain = await c.responses.create({ model: 'gpt-4o', input: 'not background' });
    expect((await errorOf(c.responses.retrieve(plain.id, { stream: true }))).status).toBe(400);
  });

  it('deletes a background response while it runs, ending its stream', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ message: 'never sent', delay_ms: 600_000 }] });
    const started = await c.responses.create({ model: 'gpt-4o', input: 'slow', background: true, conversation: conversation.id });
    const stream = await c.responses.retrieve(started.id, { stream: true });
    await c.responses.delete(started.id);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('response.created');
    expect(types).not.toContain('response.completed');
    expect((await errorOf(c.responses.retrieve(started.id))).status).toBe(404);
  });

  it('cancels only background responses, idempotently', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ message: 'never sent', delay_ms: 600_000 }] });
    const started = await c.responses.create({ model: 'gpt-4o', input: 'slow', background: true, conversation: conversation.id });
    let current = started;
    while (current.status === 'queued') current = await c.responses.retrieve(started.id);
    expect(current.status).toBe('in_progress');
    const cancelled = await c.responses.cancel(started.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await c.responses.cancel(started.id)).status).toBe('cancelled');
    expect((await c.responses.retrieve(started.id)).status).toBe('cancelled');
    expect((await c.responses.retrieve(started.id)).output).toEqual([]);

    const finished = await c.responses.create({ model: 'gpt-4o', input: 'quick', background: true });
    const done = await settle(c, finished.id);
    expect(done.status).toBe('completed');
    expect((await c.responses.cancel(finished.id)).status).toBe('completed');

    const sync = await c.responses.create({ model: 'gpt-4o', input: 'sync' });
    expect(await errorOf(c.responses.cancel(sync.id))).toMatchObject({ status: 400, message: 'Cannot cancel a synchronous response.' });
    expect((await errorOf(c.responses.cancel('resp_missing'))).status).toBe(404);
  });
});
