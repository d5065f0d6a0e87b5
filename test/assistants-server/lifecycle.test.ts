// The core run lifecycle through the openai SDK, in all three URL styles: a function call via
// createAndPoll/submitToolOutputsAndPoll and via the stream helpers, with steps, usage and messages.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { collapseDeltas, sendEmailTool } from './fixtures';
import { useAssistantsServer } from './support/harness';

/** The service's event order from queued to a completed reply (deltas collapsed to one). */
const RUN_TO_REPLY_EVENTS = [
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.completed',
  'thread.run.step.completed',
  'thread.run.completed',
];

const h = useAssistantsServer();

const styles: [string, () => OpenAI][] = [
  ['OpenAI', () => h.openai],
  ['Azure OpenAI', () => h.azure],
  ['Foundry project', () => h.foundry],
];

const CALL = '/call send_email {"to":"ada@example.com","subject":"Hello"}';

describe.each(styles)('%s URL style', (_name, client) => {
  it('runs a function call to completion with createAndPoll and submitToolOutputsAndPoll', async () => {
    const c = client();
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', instructions: 'Help with email.', tools: [sendEmailTool] });
    expect(assistant.id).toMatch(/^asst_[A-Za-z0-9]{24}$/);
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: CALL }] });
    expect(thread.id).toMatch(/^thread_[A-Za-z0-9]{24}$/);

    const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.id).toMatch(/^run_[A-Za-z0-9]{24}$/);
    expect(run.status).toBe('requires_action');
    expect(run.expires_at).toBe(run.created_at + 600);
    expect(run.started_at).not.toBeNull();
    expect(run.model).toBe('gpt-4o');
    expect(run.instructions).toBe('Help with email.');
    expect(run.tools).toEqual([sendEmailTool]);
    expect(run.usage).toBeNull();
    const calls = run.required_action!.submit_tool_outputs.tool_calls;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(calls[0]!.function).toEqual({ name: 'send_email', arguments: '{"to":"ada@example.com","subject":"Hello"}' });

    const done = await c.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
      thread_id: thread.id,
      tool_outputs: [{ tool_call_id: calls[0]!.id, output: '{"sent":true}' }],
    });
    expect(done.status).toBe('completed');
    expect(done.completed_at).not.toBeNull();
    expect(done.required_action).toBeNull();
    expect(done.expires_at).toBeNull();
    expect(done.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(done.usage!.completion_tokens).toBeGreaterThan(0);
    expect(done.usage!.total_tokens).toBe(done.usage!.prompt_tokens + done.usage!.completion_tokens);

    const replies = await c.beta.threads.messages.list(thread.id, { run_id: run.id });
    expect(replies.data).toHaveLength(1);
    const reply = replies.data[0]!;
    expect(reply).toMatchObject({ role: 'assistant', run_id: run.id, assistant_id: assistant.id, status: 'completed' });
    expect(reply.content).toEqual([{ type: 'text', text: { value: 'send_email returned: {"sent":true}', annotations: [] } }]);
    const all = await c.beta.threads.messages.list(thread.id, { order: 'asc' });
    expect(all.data.map((m) => m.role)).toEqual(['user', 'assistant']);

    const steps = await c.beta.threads.runs.steps.list(run.id, { thread_id: thread.id, order: 'asc' });
    expect(steps.data.map((s) => [s.type, s.status])).toEqual([
      ['tool_calls', 'completed'],
      ['message_creation', 'completed'],
    ]);
    const [toolStep, messageStep] = steps.data as [OpenAI.Beta.Threads.Runs.RunStep, OpenAI.Beta.Threads.Runs.RunStep];
    expect(toolStep.id).toMatch(/^step_[A-Za-z0-9]{24}$/);
    expect(toolStep.step_details).toEqual({
      type: 'tool_calls',
      tool_calls: [{ id: calls[0]!.id, type: 'function', function: { name: 'send_email', arguments: calls[0]!.function.arguments, output: '{"sent":true}' } }],
    });
    expect(messageStep.step_details).toEqual({ type: 'message_creation', message_creation: { message_id: reply.id } });
    expect(messageStep.usage!.total_tokens).toBeGreaterThan(0);
    const one = await c.beta.threads.runs.steps.retrieve(messageStep.id, { thread_id: thread.id, run_id: run.id });
    expect(one).toEqual(messageStep);
  });

  it('streams the same lifecycle through runs.stream and submitToolOutputsStream', async () => {
    const c = client();
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: CALL }] });

    const first = c.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
    const firstEvents: string[] = [];
    const argumentDeltas: string[] = [];
    first.on('event', (e) => firstEvents.push(e.event));
    first.on('toolCallDelta', (delta) => delta.type === 'function' && argumentDeltas.push(delta.function?.arguments ?? ''));
    const waiting = await first.finalRun();
    expect(waiting.status).toBe('requires_action');
    expect(collapseDeltas(firstEvents)).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.run.step.delta',
      'thread.run.requires_action',
    ]);
    const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(argumentDeltas.join('')).toBe(call.function.arguments);

    const second = c.beta.threads.runs.submitToolOutputsStream(waiting.id, {
      thread_id: thread.id,
      tool_outputs: [{ tool_call_id: call.id, output: 'ok' }],
    });
    const secondEvents: string[] = [];
    let streamedText = '';
    second.on('event', (e) => secondEvents.push(e.event));
    second.on('textDelta', (delta) => (streamedText += delta.value ?? ''));
    const finished = await second.finalRun();
    const [message] = await second.finalMessages();
    expect(finished.status).toBe('completed');
    expect(collapseDeltas(secondEvents)).toEqual(['thread.run.step.completed', ...RUN_TO_REPLY_EVENTS]);
    expect(secondEvents.filter((e) => e === 'thread.message.delta').length).toBeGreaterThanOrEqual(1);
    expect(streamedText).toBe('send_email returned: ok');
    expect(message!.content).toMatchObject([{ type: 'text', text: { value: 'send_email returned: ok', annotations: [] } }]);
  });

  it('streams create-thread-and-run, starting with thread.created, and echoes plain messages', async () => {
    const c = client();
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    const text = 'Please summarise the quarterly numbers for the northern region, with a short outlook.';
    const stream = c.beta.threads.createAndRunStream({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: text }] } });
    const events: string[] = [];
    stream.on('event', (e) => events.push(e.event));
    const run = await stream.finalRun();
    expect(run.status).toBe('completed');
    expect(events[0]).toBe('thread.created');
    expect(collapseDeltas(events).slice(1)).toEqual(['thread.run.created', ...RUN_TO_REPLY_EVENTS]);
    expect(events.filter((e) => e === 'thread.message.delta').length).toBeGreaterThan(1);
    const messages = await c.beta.threads.messages.list(run.thread_id);
    expect(messages.data[0]!.content[0]).toEqual({ type: 'text', text: { value: `Echo: ${text}`, annotations: [] } });
  });
});
