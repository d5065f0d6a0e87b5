// Code interpreter through the SDK in all three URL styles: an auto container (with the given files),
// code_interpreter_call items with code, logs and image outputs, generated files as container files cited
// with container_file_citation, their content downloads, the call events of a stream, and idle expiry.
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { PNG_BASE64, errorOf } from '../fixtures';
import { collapse, useResponsesServer } from './support';

const h = useResponsesServer();

const CSV = 'region,total\nnorth,10\nsouth,20\n';
const REPLY = 'The totals are in sandbox:/mnt/data/report.csv for you.';
const autoContainer = (fileIds: string[] = []): OpenAI.Responses.Tool => ({ type: 'code_interpreter', container: { type: 'auto', file_ids: fileIds } });

async function scriptAnalysis(conversationId: string): Promise<void> {
  await h.admin.script({
    conversation_id: conversationId,
    turns: [
      { code_interpreter: { input: 'import pandas as pd\nprint(pd.read_csv("data.csv").total.sum())', logs: '30', image_png_base64: PNG_BASE64 } },
      { message: REPLY, files: [{ filename: 'report.csv', content_base64: Buffer.from(CSV).toString('base64') }] },
    ],
  });
}

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('cites a chart made before a round of function calls in the next message of the conversation', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({
      conversation_id: conversation.id,
      turns: [{ code_interpreter: { input: 'plot()', image_png_base64: PNG_BASE64 } }, { tool_calls: [{ name: 'lookup', arguments: {} }] }, { message: 'Here is the chart.' }],
    });
    const tools: OpenAI.Responses.Tool[] = [autoContainer(), { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false }];
    const first = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'Chart it', tools });
    expect(first.output.map((o) => o.type)).toEqual(['code_interpreter_call', 'function_call']);
    const call = first.output[1] as OpenAI.Responses.ResponseFunctionToolCall;
    const container = (first.output[0] as OpenAI.Responses.ResponseCodeInterpreterToolCall).container_id;
    const second = await c.responses.create({
      model: 'gpt-4o',
      conversation: conversation.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{}' }],
      tools: [{ type: 'code_interpreter', container }, tools[1]!],
    });
    const text = (second.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0] as OpenAI.Responses.ResponseOutputText;
    expect(text.annotations).toEqual([expect.objectContaining({ type: 'container_file_citation', container_id: container, filename: expect.stringMatching(/\.png$/) })]);
  });

  it('runs code in an auto container and cites the files it made', async () => {
    const c = client();
    const upload = await c.files.create({ file: await toFile(Buffer.from('region,total\n'), 'data.csv'), purpose: 'user_data' });
    const conversation = await c.conversations.create();
    await scriptAnalysis(conversation.id);
    const response = await c.responses.create({
      model: 'gpt-4o',
      conversation: conversation.id,
      input: 'Sum the totals',
      tools: [autoContainer([upload.id])],
      include: ['code_interpreter_call.outputs'],
    });
    expect(response.status).toBe('completed');
    expect(response.output.map((o) => o.type)).toEqual(['code_interpreter_call', 'message']);
    const call = response.output[0] as OpenAI.Responses.ResponseCodeInterpreterToolCall;
    expect(call.id).toMatch(/^ci_[0-9a-f]{48}$/);
    expect(call.status).toBe('completed');
    expect(call.code).toContain('read_csv');
    expect(call.container_id).toMatch(/^cntr_[0-9a-f]{48}$/);
    expect(call.outputs).toEqual([
      { type: 'logs', logs: '30' },
      { type: 'image', url: `data:image/png;base64,${PNG_BASE64}` },
    ]);

    const message = response.output[1] as OpenAI.Responses.ResponseOutputMessage;
    const text = message.content[0] as OpenAI.Responses.ResponseOutputText;
    expect(text.text).toBe(REPLY);
    const citations = text.annotations.filter((a): a is OpenAI.Responses.ResponseOutputText.ContainerFileCitation => a.type === 'container_file_citation');
    expect(citations.map((a) => a.filename)).toEqual(['report.csv', expect.stringMatching(/\.png$/)]);
    const link = 'sandbox:/mnt/data/report.csv';
    expect(citations[0]).toMatchObject({ container_id: call.container_id, start_index: REPLY.indexOf(link), end_index: REPLY.indexOf(link) + link.length });

    const container = await c.containers.retrieve(call.container_id);
    expect(container).toMatchObject({ id: call.container_id, object: 'container', status: 'running', expires_after: { anchor: 'last_active_at', minutes: 20 } });
    const files = await c.containers.files.list(call.container_id, { order: 'asc' });
    expect(files.data.map((f) => [f.path.split('/').pop()!.replace(/^cfile_.*\.png$/, 'image.png'), f.source])).toEqual([
      ['data.csv', 'user'],
      ['image.png', 'assistant'],
      ['report.csv', 'assistant'],
    ]);
    const report = files.data.find((f) => f.path === '/mnt/data/report.csv')!;
    expect(report.id).toBe(citations[0]!.file_id);
    expect(await c.containers.files.retrieve(report.id, { container_id: call.container_id })).toEqual(report);
    const content = await c.containers.files.content.retrieve(report.id, { container_id: call.container_id });
    expect(await content.text()).toBe(CSV);
    const image = await c.containers.files.content.retrieve(citations[1]!.file_id, { container_id: call.container_id });
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true);

    const deleted = await c.containers.files.delete(report.id, { container_id: call.container_id });
    expect(deleted).toBeDefined();
    expect((await errorOf(c.containers.files.retrieve(report.id, { container_id: call.container_id }))).status).toBe(404);
  });

  it('hides outputs unless included and streams the call events', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await scriptAnalysis(conversation.id);
    const stream = c.responses.stream({ model: 'gpt-4o', conversation: conversation.id, input: 'Sum', tools: [autoContainer()] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(collapse(types)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.code_interpreter_call.in_progress',
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done',
      'response.code_interpreter_call.interpreting',
      'response.code_interpreter_call.completed',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.annotation.added',
      'response.output_text.annotation.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const final = await stream.finalResponse();
    expect((final.output[0] as OpenAI.Responses.ResponseCodeInterpreterToolCall).outputs).toBeNull();
  });

  it('fails a response whose model uses code interpreter without the tool', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await scriptAnalysis(conversation.id);
    const response = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'Sum' });
    expect(response.status).toBe('failed');
    expect(response.error).toEqual({ code: 'server_error', message: "The model called the tool 'code_interpreter', which is not enabled for this response." });
  });

  it('creates, lists and deletes containers', async () => {
    const c = client();
    const created = await c.containers.create({ name: 'scratch' });
    expect(created).toMatchObject({ name: 'scratch', status: 'running', object: 'container' });
    const listed: string[] = [];
    for await (const container of c.containers.list()) listed.push(container.id);
    expect(listed).toContain(created.id);
    const response = await c.responses.create({ model: 'gpt-4o', input: 'Use the scratch container', tools: [{ type: 'code_interpreter', container: created.id }] });
    expect(response.tools).toEqual([{ type: 'code_interpreter', container: created.id }]);
    await c.containers.delete(created.id);
    expect(await errorOf(c.containers.retrieve(created.id))).toMatchObject({ status: 404, message: `Container with id '${created.id}' not found.` });
  });
});

describe('container expiry', () => {
  it('expires a container after 20 idle minutes on the server clock', async () => {
    const c = h.openai;
    const container = await c.containers.create({ name: 'short-lived' });
    await h.admin.advanceClock(19 * 60 * 1000);
    expect((await c.containers.retrieve(container.id)).status).toBe('running');
    await c.responses.create({ model: 'gpt-4o', input: 'touch', tools: [{ type: 'code_interpreter', container: container.id }] });
    await h.admin.advanceClock(19 * 60 * 1000);
    expect((await c.containers.retrieve(container.id)).status).toBe('running');
    await h.admin.advanceClock(2 * 60 * 1000);
    expect((await c.containers.retrieve(container.id)).status).toBe('expired');
    const refused = await errorOf(c.responses.create({ model: 'gpt-4o', input: 'again', tools: [{ type: 'code_interpreter', container: container.id }] }));
    expect(refused).toMatchObject({ status: 400, code: 'container_expired' });
  });
});
