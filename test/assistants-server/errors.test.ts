// Every error the brief names, with the service's status codes, texts and `param` fields.
import { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf, sendEmailTool, stockPriceTool } from './fixtures';
import { AZURE_API_VERSION, useAssistantsServer } from './support/harness';

const h = useAssistantsServer({ maxFileBytes: 1024 });

async function waitingRun(calls: string[]) {
  const c = h.openai;
  const assistant = await c.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool, stockPriceTool] });
  const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: calls.join('\n') }] });
  const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
  expect(run.status).toBe('requires_action');
  return { assistant, thread, run };
}

describe('run state errors', () => {
  it('refuses tool outputs unless the run requires action', async () => {
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await h.openai.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    const run = await h.openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('completed');
    const error = await errorOf(h.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: 'call_x', output: '' }] }));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', message: 'Runs in status "completed" do not accept tool outputs.' });
  });

  it('names the expected and the given call ids when outputs are missing', async () => {
    const { thread, run } = await waitingRun(['/call send_email {"to":"a@example.com"}', '/call get_stock_price {"symbol":"MSFT"}']);
    const [a, b] = run.required_action!.submit_tool_outputs.tool_calls.map((c) => c.id) as [string, string];
    const error = await errorOf(h.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: a, output: 'x' }] }));
    expect(error).toMatchObject({ status: 400, message: `Expected tool outputs for call_ids ['${a}', '${b}'], got ['${a}']` });
    const extra = await errorOf(
      h.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: a }, { tool_call_id: b }, { tool_call_id: 'call_other' }] }),
    );
    expect(extra.message).toBe(`Expected tool outputs for call_ids ['${a}', '${b}'], got ['${a}', '${b}', 'call_other']`);
    const fine = await h.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: b, output: '1' }, { tool_call_id: a, output: '2' }] });
    expect(fine.status).toBe('queued');
  });

  it('allows one active run per thread and no new messages while it is active', async () => {
    const { assistant, thread, run } = await waitingRun(['/call send_email {}']);
    const second = await errorOf(h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id }));
    expect(second).toMatchObject({ status: 400, message: `Thread ${thread.id} already has an active run ${run.id}.` });
    const message = await errorOf(h.openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'more' }));
    expect(message).toMatchObject({ status: 400, message: `Can't add messages to ${thread.id} while a run ${run.id} is active.` });
  });

  it('refuses to cancel a finished run', async () => {
    const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    const run = await h.openai.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'x' }] } });
    const error = await errorOf(h.openai.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id }));
    expect(error).toMatchObject({ status: 400, message: "Cannot cancel run with status 'completed'." });
  });
});

describe('unknown ids', () => {
  it('answers 404 in the service wording for each resource', async () => {
    const c = h.openai;
    const thread = await c.beta.threads.create();
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    const cases: [() => Promise<unknown>, string][] = [
      [() => c.beta.assistants.retrieve('asst_missing'), "No assistant found with id 'asst_missing'."],
      [() => c.beta.threads.retrieve('thread_missing'), "No thread found with id 'thread_missing'."],
      [() => c.beta.threads.messages.retrieve('msg_missing', { thread_id: thread.id }), "No message found with id 'msg_missing'."],
      [() => c.beta.threads.runs.retrieve('run_missing', { thread_id: thread.id }), "No run found with id 'run_missing'."],
      [() => c.beta.threads.runs.steps.retrieve('step_missing', { thread_id: thread.id, run_id: run.id }), "No run step found with id 'step_missing'."],
      [() => c.beta.threads.runs.create(thread.id, { assistant_id: 'asst_gone' }), "No assistant found with id 'asst_gone'."],
      [() => c.files.retrieve('file-missing'), 'No such File object: file-missing'],
      [() => c.vectorStores.retrieve('vs_missing'), "No vector store found with id 'vs_missing'."],
    ];
    for (const [request, message] of cases) expect(await errorOf(request())).toMatchObject({ status: 404, message, type: 'invalid_request_error' });
  });

  it('answers 404 Invalid URL for paths no operation serves', async () => {
    const response = await h.fetch(`${h.url}/v1/nothing/here`, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Invalid URL (GET /v1/nothing/here)');
  });
});

describe('request validation', () => {
  it('names the parameter of an invalid body', async () => {
    const c = h.openai;
    const create = (body: unknown) => errorOf(c.beta.assistants.create(body as never));
    expect(await create({})).toMatchObject({ status: 400, message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' });
    expect(await create({ model: 'gpt-4o', colour: 'red' })).toMatchObject({ status: 400, message: "Unknown parameter: 'colour'.", param: 'colour', code: 'unknown_parameter' });
    expect(await create({ model: 'gpt-4o', metadata: 'x' })).toMatchObject({
      message: "Invalid type for 'metadata': expected an object, but got a string instead.",
      param: 'metadata',
      code: 'invalid_type',
    });
    expect(await create({ model: 'gpt-4o', temperature: 3 })).toMatchObject({ param: 'temperature', code: 'decimal_above_max_value' });
    expect(await create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'bad name' } }] })).toMatchObject({ param: 'tools[0].function.name' });
    expect(await create({ model: 'gpt-4o', tools: [{ type: 'browser' }] })).toMatchObject({ status: 400, param: 'tools[0].type' });
    const thread = await c.beta.threads.create();
    expect(await errorOf(c.beta.threads.messages.create(thread.id, { role: 'robot', content: 'x' } as never))).toMatchObject({
      message: "Invalid value: 'robot'. Supported values are: 'user' and 'assistant'.",
      param: 'role',
      code: 'invalid_value',
    });
    expect(await errorOf(c.beta.threads.runs.create(thread.id, {} as never))).toMatchObject({ param: 'assistant_id', code: 'missing_required_parameter' });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await h.fetch(`${h.url}/v1/assistants`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'openai-beta': 'assistants=v2', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^We could not parse the JSON body of your request\./);
  });

  it('enforces the metadata limits', async () => {
    const c = h.openai;
    const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect((await c.beta.assistants.create({ model: 'gpt-4o', metadata: pairs(16) })).metadata).toEqual(pairs(16));
    expect(await errorOf(c.beta.assistants.create({ model: 'gpt-4o', metadata: pairs(17) }))).toMatchObject({
      status: 400,
      param: 'metadata',
      message: "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    });
    expect(await errorOf(c.beta.threads.create({ metadata: { ['k'.repeat(65)]: 'v' } }))).toMatchObject({ status: 400, param: 'metadata' });
    expect(await errorOf(c.beta.threads.create({ metadata: { key: 'v'.repeat(513) } }))).toMatchObject({
      status: 400,
      param: 'metadata.key',
      message: "Invalid 'metadata.key': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
    });
  });

  it('enforces the size limits of instructions, tools, attachments and code interpreter files', async () => {
    const c = h.openai;
    expect(await errorOf(c.beta.assistants.create({ model: 'gpt-4o', instructions: 'x'.repeat(256_001) }))).toMatchObject({
      param: 'instructions',
      message: "Invalid 'instructions': string too long. Expected a string with maximum length 256000, but got a string with length 256001 instead.",
    });
    const tool = (i: number) => ({ type: 'function' as const, function: { name: `f${i}` } });
    expect((await c.beta.assistants.create({ model: 'gpt-4o', tools: Array.from({ length: 128 }, (_, i) => tool(i)) })).tools).toHaveLength(128);
    expect(await errorOf(c.beta.assistants.create({ model: 'gpt-4o', tools: Array.from({ length: 129 }, (_, i) => tool(i)) }))).toMatchObject({
      param: 'tools',
      code: 'array_above_max_length',
      message: "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead.",
    });
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await c.beta.threads.create();
    expect(await errorOf(c.beta.threads.runs.create(thread.id, { assistant_id: assistant.id, tools: Array.from({ length: 21 }, (_, i) => tool(i)) }))).toMatchObject({
      param: 'tools',
      code: 'array_above_max_length',
    });
    const file = await c.files.create({ file: await toFile(Buffer.from('a,b\n1,2\n'), 'data.csv'), purpose: 'assistants' });
    const attachments = (n: number) => Array.from({ length: n }, () => ({ file_id: file.id, tools: [{ type: 'code_interpreter' as const }] }));
    expect((await c.beta.threads.messages.create(thread.id, { role: 'user', content: 'x', attachments: attachments(10) })).attachments).toHaveLength(10);
    expect(await errorOf(c.beta.threads.messages.create(thread.id, { role: 'user', content: 'x', attachments: attachments(11) }))).toMatchObject({
      param: 'attachments',
      code: 'array_above_max_length',
    });
    const ids = (n: number) => Array.from({ length: n }, () => file.id);
    expect(await errorOf(c.beta.assistants.create({ model: 'gpt-4o', tool_resources: { code_interpreter: { file_ids: ids(21) } } }))).toMatchObject({
      param: 'tool_resources.code_interpreter.file_ids',
      code: 'array_above_max_length',
    });
    expect(await errorOf(c.beta.threads.messages.create(thread.id, { role: 'user', content: 'x', attachments: [{ file_id: 'file-nope', tools: [] }] }))).toMatchObject({
      status: 404,
    });
  });

  it('refuses files over the configured size and uploads without a purpose', async () => {
    const c = h.openai;
    expect(await errorOf(c.files.create({ file: await toFile(Buffer.alloc(1025), 'big.bin'), purpose: 'assistants' }))).toMatchObject({ status: 400, param: 'file' });
    expect((await c.files.create({ file: await toFile(Buffer.alloc(1024), 'ok.bin'), purpose: 'assistants' })).bytes).toBe(1024);
    expect(await errorOf(c.files.create({ file: await toFile(Buffer.from('x'), 'x.txt') } as never))).toMatchObject({ status: 400, param: 'purpose' });
    expect(await errorOf(c.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'karaoke' } as never))).toMatchObject({ status: 400, param: 'purpose' });
  });
});

describe('credentials and versions', () => {
  it('answers 401 without credentials in each URL style', async () => {
    for (const path of ['/v1/assistants', `/openai/assistants?api-version=${AZURE_API_VERSION}`, '/api/projects/p/assistants?api-version=v1']) {
      const response = await h.fetch(`${h.url}${path}`, { headers: { 'openai-beta': 'assistants=v2' } });
      expect(response.status, path).toBe(401);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    const sdk = await errorOf(h.client({ defaultHeaders: { Authorization: null } }).beta.assistants.list());
    expect(sdk.status).toBe(401);
  });

  it('accepts an api-key header or a bearer token on Azure, and only a bearer token on Foundry', async () => {
    const list = (path: string, headers: Record<string, string>) => h.fetch(`${h.url}${path}`, { headers });
    expect((await list(`/openai/assistants?api-version=${AZURE_API_VERSION}`, { 'api-key': 'k' })).status).toBe(200);
    expect((await list(`/openai/assistants?api-version=${AZURE_API_VERSION}`, { authorization: 'Bearer t' })).status).toBe(200);
    expect((await list('/api/projects/p/assistants?api-version=v1', { authorization: 'Bearer t' })).status).toBe(200);
    expect((await list('/api/projects/p/assistants?api-version=v1', { 'api-key': 'k' })).status).toBe(401);
  });

  it('requires api-version on the Azure styles', async () => {
    for (const path of ['/openai/assistants', '/api/projects/p/assistants']) {
      const response = await h.fetch(`${h.url}${path}`, { headers: { authorization: 'Bearer t', 'api-key': 'k' } });
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' });
    }
  });

  it("requires OpenAI's Assistants beta header on /v1", async () => {
    const response = await h.fetch(`${h.url}/v1/assistants`, { headers: { authorization: 'Bearer t' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/OpenAI-Beta: assistants=v2/);
  });
});
