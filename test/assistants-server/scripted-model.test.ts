// The scripted model: script precedence, failures, images and file links, code interpreter turns,
// the /call convention and run overrides (additional_messages/instructions, model, tools, tool_choice).
import { describe, expect, it } from 'vitest';
import { PNG_BASE64, sendEmailTool, stockPriceTool } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

async function replyText(threadId: string): Promise<string> {
  const [latest] = (await h.openai.beta.threads.messages.list(threadId, { limit: 1 })).data;
  const part = latest!.content.find((p) => p.type === 'text');
  return part?.type === 'text' ? part.text.value : '';
}

describe('script queues', () => {
  it('prefers a thread script over an assistant script over the global one, consuming each in order', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    const other = await c.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    await h.admin.script({ turns: [{ message: 'global 1' }, { message: 'global 2' }] });
    await h.admin.script({ assistant_id: assistant.id, turns: [{ message: 'assistant 1' }] });
    await h.admin.script({ thread_id: thread.id, turns: [{ message: 'thread 1' }] });

    const run = async (assistantId: string, threadId = thread.id) => {
      const r = await c.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistantId });
      expect(r.status).toBe('completed');
      return replyText(threadId);
    };
    expect(await run(assistant.id)).toBe('thread 1');
    expect(await run(assistant.id)).toBe('assistant 1');
    expect(await run(assistant.id)).toBe('global 1');
    expect(await run(other.id)).toBe('global 2');
    expect(await run(other.id)).toBe('Echo: hi');
  });

  it('fails a run with the scripted last_error, and records the failed step', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'x' }] });
    await h.admin.script({ thread_id: thread.id, turns: [{ tool_calls: [{ name: 'send_email', arguments: { to: 'a@example.com' } }] }, { fail: { code: 'rate_limit_exceeded', message: 'Slow down.' } }] });
    const waiting = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(JSON.parse(call.function.arguments)).toEqual({ to: 'a@example.com' });
    const failed = await c.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: 'ok' }] });
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toEqual({ code: 'rate_limit_exceeded', message: 'Slow down.' });
    expect(failed.failed_at).not.toBeNull();
    expect(failed.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('fails a run whose scripted tool call names a function the run does not have', async () => {
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const thread = await h.openai.beta.threads.create();
    await h.admin.script({ thread_id: thread.id, turns: [{ tool_calls: [{ name: 'launch_rocket' }] }] });
    const run = await h.openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('failed');
    expect(run.last_error!.code).toBe('server_error');
    expect(run.last_error!.message).toContain('launch_rocket');
  });
});

describe('outputs with files', () => {
  it('replies with an image_file part whose file downloads as image/png', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'code_interpreter' }] });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'chart please' }] });
    await h.admin.script({ thread_id: thread.id, turns: [{ message: 'Here is the chart.', image_png_base64: PNG_BASE64 }] });
    const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('completed');
    const [reply] = (await c.beta.threads.messages.list(thread.id, { run_id: run.id })).data;
    expect(reply!.content.map((p) => p.type)).toEqual(['image_file', 'text']);
    const image = reply!.content[0]!;
    if (image.type !== 'image_file') throw new Error('expected an image');
    const file = await c.files.retrieve(image.image_file.file_id);
    expect(file).toMatchObject({ purpose: 'assistants_output', filename: 'image.png', bytes: Buffer.from(PNG_BASE64, 'base64').length });
    const content = await c.files.content(file.id);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await content.arrayBuffer())).toEqual(Buffer.from(PNG_BASE64, 'base64'));
    const outputs = await c.files.list({ purpose: 'assistants_output' });
    expect(outputs.data.map((f) => f.id)).toContain(file.id);
  });

  it('annotates sandbox links with file_path annotations to downloadable files', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'code_interpreter' }] });
    const thread = await c.beta.threads.create();
    const text = 'Download [the report](sandbox:/mnt/data/report.csv).';
    const csv = 'a,b\n1,2\n';
    await h.admin.script({ thread_id: thread.id, turns: [{ message: text, files: [{ filename: 'report.csv', content_base64: Buffer.from(csv).toString('base64') }] }] });
    const stream = c.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
    const [message] = await stream.finalMessages();
    const part = message!.content[0]!;
    if (part.type !== 'text') throw new Error('expected text');
    expect(part.text.value).toBe(text);
    const start = text.indexOf('sandbox:');
    expect(part.text.annotations).toMatchObject([{ type: 'file_path', text: 'sandbox:/mnt/data/report.csv', start_index: start, end_index: start + 'sandbox:/mnt/data/report.csv'.length }]);
    const annotation = part.text.annotations[0]!;
    if (annotation.type !== 'file_path') throw new Error('expected a file path');
    const content = await c.files.content(annotation.file_path.file_id);
    expect(content.headers.get('content-type')).toBe('text/csv');
    expect(await content.text()).toBe(csv);
  });

  it('records code interpreter turns as tool_calls steps with logs and image outputs', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'code_interpreter' }] });
    const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'plot it' }] });
    await h.admin.script({
      thread_id: thread.id,
      turns: [{ code_interpreter: { input: 'plt.plot([1,2])', logs: 'ok', image_png_base64: PNG_BASE64 } }, { message: 'Plotted.' }],
    });
    const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('completed');
    const steps = (await c.beta.threads.runs.steps.list(run.id, { thread_id: thread.id, order: 'asc' })).data;
    expect(steps.map((s) => s.type)).toEqual(['tool_calls', 'message_creation']);
    const details = steps[0]!.step_details;
    if (details.type !== 'tool_calls') throw new Error('expected tool calls');
    const call = details.tool_calls[0]!;
    if (call.type !== 'code_interpreter') throw new Error('expected code interpreter');
    expect(call.id).toMatch(/^call_/);
    expect(call.code_interpreter.input).toBe('plt.plot([1,2])');
    expect(call.code_interpreter.outputs[0]).toEqual({ type: 'logs', logs: 'ok' });
    const image = call.code_interpreter.outputs[1]!;
    if (image.type !== 'image') throw new Error('expected an image output');
    expect((await c.files.retrieve(image.image.file_id!)).purpose).toBe('assistants_output');
    // The reply shows the chart code interpreter drew, as the service does.
    const [reply] = (await c.beta.threads.messages.list(thread.id, { run_id: run.id })).data;
    expect(reply!.content).toEqual([
      { type: 'image_file', image_file: { file_id: image.image.file_id } },
      { type: 'text', text: { value: 'Plotted.', annotations: [] } },
    ]);
  });
});

describe('the /call convention and run settings', () => {
  it('turns several /call lines into parallel tool calls and quotes each output', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool, stockPriceTool] });
    const thread = await c.beta.threads.create({
      messages: [{ role: 'user', content: 'Two things:\n/call get_stock_price {"symbol":"MSFT"}\n/call send_email {"to":"b@example.com"}\n/call not_a_tool {}' }],
    });
    const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    const calls = run.required_action!.submit_tool_outputs.tool_calls;
    expect(calls.map((x) => x.function.name)).toEqual(['get_stock_price', 'send_email']);
    const done = await c.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
      thread_id: thread.id,
      tool_outputs: [
        { tool_call_id: calls[0]!.id, output: '{"price":1}' },
        { tool_call_id: calls[1]!.id, output: '{"sent":true}' },
      ],
    });
    expect(done.status).toBe('completed');
    expect(await replyText(thread.id)).toBe('get_stock_price returned: {"price":1}\nsend_email returned: {"sent":true}');
  });

  it('makes one call per step with parallel_tool_calls off, and none with tool_choice none', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool, stockPriceTool] });
    const content = '/call get_stock_price {}\n/call send_email {}';
    const single = await c.beta.threads.createAndRunPoll({ assistant_id: assistant.id, parallel_tool_calls: false, thread: { messages: [{ role: 'user', content }] } });
    expect(single.parallel_tool_calls).toBe(false);
    expect(single.required_action!.submit_tool_outputs.tool_calls.map((x) => x.function.name)).toEqual(['get_stock_price']);
    const none = await c.beta.threads.createAndRunPoll({ assistant_id: assistant.id, tool_choice: 'none', thread: { messages: [{ role: 'user', content }] } });
    expect(none.status).toBe('completed');
    expect(none.tool_choice).toBe('none');
  });

  it('applies additional_messages, additional_instructions and overrides to the run', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', instructions: 'Base.', tools: [sendEmailTool], temperature: 0.5 });
    const thread = await c.beta.threads.create();
    const run = await c.beta.threads.runs.createAndPoll(thread.id, {
      assistant_id: assistant.id,
      additional_instructions: 'Also be kind.',
      additional_messages: [{ role: 'user', content: 'added by the run' }],
      model: 'gpt-4o-mini',
      tools: [stockPriceTool],
      metadata: { purpose: 'test' },
      max_completion_tokens: 1000,
      truncation_strategy: { type: 'last_messages', last_messages: 5 },
    });
    expect(run).toMatchObject({
      status: 'completed',
      model: 'gpt-4o-mini',
      instructions: 'Base.\nAlso be kind.',
      tools: [stockPriceTool],
      metadata: { purpose: 'test' },
      temperature: 0.5,
      max_completion_tokens: 1000,
      truncation_strategy: { type: 'last_messages', last_messages: 5 },
    });
    expect(await replyText(thread.id)).toBe('Echo: added by the run');
    const overridden = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id, instructions: 'Replaced.' });
    expect(overridden.instructions).toBe('Replaced.');
    expect(overridden.model).toBe('gpt-4o');
    const runs = await c.beta.threads.runs.list(thread.id);
    expect(runs.data.map((r) => r.id)).toEqual([overridden.id, run.id]);
    const modified = await c.beta.threads.runs.update(run.id, { thread_id: thread.id, metadata: { purpose: 'changed' } });
    expect(modified.metadata).toEqual({ purpose: 'changed' });
  });
});
