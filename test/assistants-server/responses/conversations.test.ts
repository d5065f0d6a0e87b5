// Conversations through the SDK in all three URL styles: CRUD, item batches, cursor pagination and
// order, item get/delete, and responses that append their input and output items in order.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../fixtures';
import { sendEmail, useResponsesServer } from './support';

const h = useResponsesServer();

const user = (text: string) => ({ type: 'message' as const, role: 'user' as const, content: text });
const texts = (items: OpenAI.Conversations.ConversationItem[]) =>
  items.map((i) => (i.type === 'message' ? `${i.role}:${i.content.map((p) => ('text' in p ? p.text : '')).join('')}` : i.type));

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('creates, retrieves, updates and deletes a conversation', async () => {
    const c = client();
    const conversation = await c.conversations.create({ metadata: { user: 'ada' }, items: [user('Hi')] });
    expect(conversation.id).toMatch(/^conv_[0-9a-f]{48}$/);
    expect(conversation).toMatchObject({ object: 'conversation', metadata: { user: 'ada' } });
    expect(await c.conversations.retrieve(conversation.id)).toEqual(conversation);
    const updated = await c.conversations.update(conversation.id, { metadata: { user: 'grace' } });
    expect(updated.metadata).toEqual({ user: 'grace' });
    expect((await c.conversations.retrieve(conversation.id)).metadata).toEqual({ user: 'grace' });
    const deleted = await c.conversations.delete(conversation.id);
    expect(deleted).toEqual({ id: conversation.id, object: 'conversation.deleted', deleted: true });
    expect(await errorOf(c.conversations.retrieve(conversation.id))).toMatchObject({ status: 404, message: `Conversation with id '${conversation.id}' not found.` });
  });

  it('adds items in batches, pages them in either order, gets and deletes one', async () => {
    const c = client();
    const conversation = await c.conversations.create({ items: [user('one')] });
    const batch = await c.conversations.items.create(conversation.id, { items: [user('two'), { type: 'message', role: 'assistant', content: 'three' }, user('four')] });
    expect(batch.data).toHaveLength(3);
    expect(batch.first_id).toBe(batch.data[0]!.id);
    expect(batch.last_id).toBe(batch.data[2]!.id);

    const newest = await c.conversations.items.list(conversation.id, { limit: 2 });
    expect(texts(newest.data)).toEqual(['user:four', 'assistant:three']);
    expect(newest.has_more).toBe(true);
    const next = await c.conversations.items.list(conversation.id, { limit: 2, after: newest.last_id! });
    expect(texts(next.data)).toEqual(['user:two', 'user:one']);
    expect(next.has_more).toBe(false);
    const all: string[] = [];
    for await (const item of c.conversations.items.list(conversation.id, { order: 'asc', limit: 1 })) all.push(...texts([item]));
    expect(all).toEqual(['user:one', 'user:two', 'assistant:three', 'user:four']);

    const second = batch.data[0]!;
    expect(await c.conversations.items.retrieve(second.id!, { conversation_id: conversation.id })).toEqual(second);
    const after = await c.conversations.items.delete(second.id!, { conversation_id: conversation.id });
    expect(after).toEqual(await c.conversations.retrieve(conversation.id));
    expect((await errorOf(c.conversations.items.retrieve(second.id!, { conversation_id: conversation.id }))).status).toBe(404);
    const tooMany = await errorOf(c.conversations.items.create(conversation.id, { items: Array.from({ length: 21 }, (_v, i) => user(String(i))) }));
    expect(tooMany).toMatchObject({ status: 400, param: 'items', code: 'array_above_max_length' });
  });

  it('appends each response input and output to the conversation, in order', async () => {
    const c = client();
    const conversation = await c.conversations.create({ items: [{ type: 'message', role: 'developer', content: 'Be brief.' }] });
    const first = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'First question' });
    expect(first.conversation).toEqual({ id: conversation.id });
    const called = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: '/call send_email {"to":"a@b.c"}', tools: [sendEmail] });
    const call = called.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const answered = await c.responses.create({
      model: 'gpt-4o',
      conversation: { id: conversation.id },
      tools: [sendEmail],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'ok' }],
    });
    expect(answered.output_text).toBe('send_email returned: ok');
    const items = await c.conversations.items.list(conversation.id, { order: 'asc' });
    expect(texts(items.data)).toEqual([
      'developer:Be brief.',
      'user:First question',
      'assistant:Echo: First question',
      'user:/call send_email {"to":"a@b.c"}',
      'function_call',
      'function_call_output',
      'assistant:send_email returned: ok',
    ]);
    expect(items.data[2]!.id).toBe(first.output[0]!.id);
  });

  it('takes scripted turns queued for the conversation', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    const other = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ message: 'Scripted for this conversation.' }] });
    expect((await c.responses.create({ model: 'gpt-4o', conversation: other.id, input: 'Elsewhere' })).output_text).toBe('Echo: Elsewhere');
    expect((await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'Here' })).output_text).toBe('Scripted for this conversation.');
    expect((await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'Again' })).output_text).toBe('Echo: Again');
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', conversation: 'conv_missing', input: 'x' }))).toMatchObject({ status: 404 });
  });
});
