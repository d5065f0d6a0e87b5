// One model, two protocols: the same unscripted conventions and scripted turn kinds drive an Assistants
// run and a response alike (the /call convention, quoting function outputs, file_search turns).
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { sendEmailTool } from '../fixtures';
import { useAssistantsServer } from '../support/harness';
import { sendEmail } from './support';

const h = useAssistantsServer({}, 'both');

const CALL = '/call send_email {"to":"ada@example.com"}';

describe('the shared model', () => {
  it('calls a function on /call and quotes its output in both protocols', async () => {
    const c = h.openai;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
    const run = await c.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: CALL }] } });
    const runCall = run.required_action!.submit_tool_outputs.tool_calls[0]!;
    const done = await c.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: run.thread_id, tool_outputs: [{ tool_call_id: runCall.id, output: 'sent' }] });
    const messages = await c.beta.threads.messages.list(done.thread_id, { run_id: done.id });
    const runReply = (messages.data[0]!.content[0] as OpenAI.Beta.Threads.TextContentBlock).text.value;

    const first = await c.responses.create({ model: 'gpt-4o', input: CALL, tools: [sendEmail] });
    const responseCall = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect([responseCall.name, responseCall.arguments]).toEqual([runCall.function.name, runCall.function.arguments]);
    const second = await c.responses.create({ model: 'gpt-4o', previous_response_id: first.id, tools: [sendEmail], input: [{ type: 'function_call_output', call_id: responseCall.call_id, output: 'sent' }] });
    expect(second.output_text).toBe(runReply);
    expect(runReply).toBe('send_email returned: sent');
  });

  it('takes a scripted file_search turn in a run as in a response', async () => {
    const c = h.openai;
    const file = await c.files.create({ file: await toFile(Buffer.from('Invoices are due within thirty days of issue.'), 'terms.txt'), purpose: 'assistants' });
    const store = await c.vectorStores.create({ name: 'terms' });
    await c.vectorStores.files.createAndPoll(store.id, { file_id: file.id }, { pollIntervalMs: 10 });
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [store.id] } } });
    await h.admin.script({ assistant_id: assistant.id, turns: [{ file_search: { queries: ['invoice due'] } }, { message: 'Thirty days.' }] });
    const run = await c.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'When are invoices due?' }] } });
    expect(run.status).toBe('completed');
    const steps = await c.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id, order: 'asc' });
    const details = steps.data[0]!.step_details as OpenAI.Beta.Threads.Runs.ToolCallsStepDetails;
    const search = details.tool_calls[0] as OpenAI.Beta.Threads.Runs.FileSearchToolCall;
    expect(search.type).toBe('file_search');
    expect(search.file_search.results!.map((r) => r.file_id)).toEqual([file.id]);

    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ file_search: { queries: ['invoice due'] } }, { message: 'Thirty days.' }] });
    const response = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'When?', tools: [{ type: 'file_search', vector_store_ids: [store.id] }] });
    expect(response.output.map((o) => o.type)).toEqual(['file_search_call', 'message']);
    expect(response.output_text).toBe('Thirty days.');
  });
});
