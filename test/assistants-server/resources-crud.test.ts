// Get/modify/delete of assistants, threads and messages, as the SDK calls them.
import { describe, expect, it } from 'vitest';
import { errorOf, sendEmailTool } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

describe('assistants', () => {
  it('creates with defaults, modifies the given fields only, and deletes', async () => {
    const c = h.azure;
    const created = await c.beta.assistants.create({ model: 'gpt-4o', name: 'Clerk', metadata: { team: 'a' } });
    expect(created).toMatchObject({
      object: 'assistant',
      name: 'Clerk',
      description: null,
      instructions: null,
      tools: [],
      tool_resources: {},
      metadata: { team: 'a' },
      temperature: 1,
      top_p: 1,
      response_format: 'auto',
    });
    const modified = await c.beta.assistants.update(created.id, { instructions: 'Be exact.', tools: [sendEmailTool], response_format: { type: 'json_object' } });
    expect(modified).toMatchObject({ name: 'Clerk', instructions: 'Be exact.', tools: [sendEmailTool], metadata: { team: 'a' }, response_format: { type: 'json_object' } });
    expect(await c.beta.assistants.retrieve(created.id)).toEqual(modified);
    expect(await c.beta.assistants.delete(created.id)).toEqual({ id: created.id, object: 'assistant.deleted', deleted: true });
    expect(await errorOf(c.beta.assistants.retrieve(created.id))).toMatchObject({ status: 404 });
  });
});

describe('threads and messages', () => {
  it('creates a thread with messages and attachments, modifies and deletes them', async () => {
    const c = h.foundry;
    const thread = await c.beta.threads.create({
      metadata: { user: 'u1' },
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'text', text: 'prior answer' }] },
      ],
    });
    expect(thread).toMatchObject({ object: 'thread', metadata: { user: 'u1' }, tool_resources: {} });
    const listed = await c.beta.threads.messages.list(thread.id, { order: 'asc' });
    expect(listed.data.map((m) => [m.role, m.content[0]])).toEqual([
      ['user', { type: 'text', text: { value: 'first', annotations: [] } }],
      ['assistant', { type: 'text', text: { value: 'prior answer', annotations: [] } }],
    ]);
    const first = listed.data[0]!;
    expect(first).toMatchObject({ object: 'thread.message', thread_id: thread.id, status: 'completed', assistant_id: null, run_id: null, attachments: [], metadata: {} });
    expect(first.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);

    const modifiedMessage = await c.beta.threads.messages.update(first.id, { thread_id: thread.id, metadata: { seen: 'yes' } });
    expect(modifiedMessage.metadata).toEqual({ seen: 'yes' });
    expect(await c.beta.threads.messages.retrieve(first.id, { thread_id: thread.id })).toEqual(modifiedMessage);
    expect(await c.beta.threads.messages.delete(first.id, { thread_id: thread.id })).toEqual({ id: first.id, object: 'thread.message.deleted', deleted: true });
    expect((await c.beta.threads.messages.list(thread.id)).data).toHaveLength(1);

    const modifiedThread = await c.beta.threads.update(thread.id, { metadata: { user: 'u2' } });
    expect(modifiedThread.metadata).toEqual({ user: 'u2' });
    expect(await c.beta.threads.retrieve(thread.id)).toEqual(modifiedThread);
    expect(await c.beta.threads.delete(thread.id)).toEqual({ id: thread.id, object: 'thread.deleted', deleted: true });
    expect(await errorOf(c.beta.threads.messages.list(thread.id))).toMatchObject({ status: 404, message: `No thread found with id '${thread.id}'.` });
  });

  it('ends a run with status incomplete and an incomplete message when the script cuts it short', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'long answer please' }] });
    await h.admin.script({ thread_id: thread.id, turns: [{ incomplete: { reason: 'max_completion_tokens' }, message: 'The answer is' }] });
    const stream = c.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id, max_completion_tokens: 256 });
    const events: string[] = [];
    stream.on('event', (e) => events.push(e.event));
    const run = await stream.finalRun();
    expect(run).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' } });
    expect(events.slice(-3)).toEqual(['thread.message.incomplete', 'thread.run.step.completed', 'thread.run.incomplete']);
    const [message] = (await c.beta.threads.messages.list(thread.id, { run_id: run.id })).data;
    expect(message).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_tokens' } });
    expect(message!.incomplete_at).not.toBeNull();
  });
});
