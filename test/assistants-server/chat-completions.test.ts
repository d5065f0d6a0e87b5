// POST /chat/completions under the scripted model (echo, scripted answers and tool calls, streaming,
// Azure's deployments path) and the chat-completions bridge against a fake upstream on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../local/assistants-server';
import { sendEmailTool } from './fixtures';
import { ContractChecker, createRecorder } from './support/contract';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

describe('chat completions with the scripted model', () => {
  it('echoes the last user message', async () => {
    const completion = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Route the request.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'gpt-4o' });
    expect(completion.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Echo: second' } });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it('answers with scripted chat turns in order, including tool calls, on every URL style', async () => {
    await h.admin.script({ chat: [{ content: 'billing' }, { tool_calls: [{ name: 'route', arguments: { to: 'sales' } }] }, { content: 'support' }] });
    const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'where to?' }] });
    expect((await ask(h.openai)).choices[0]!.message.content).toBe('billing');
    const routed = await ask(h.azure);
    expect(routed.choices[0]!.finish_reason).toBe('tool_calls');
    expect(routed.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'route', arguments: '{"to":"sales"}' } });
    expect((await ask(h.foundry)).choices[0]!.message.content).toBe('support');
    expect((await ask(h.openai)).choices[0]!.message.content).toBe('Echo: where to?');
  });

  it('streams chunks the SDK assembles', async () => {
    await h.admin.script({ chat: [{ content: 'streamed answer' }] });
    const stream = await h.openai.chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'go' }] });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('streamed answer');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('validates the request', async () => {
    const response = await h.fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('messages');
  });
});

interface FakeUpstream {
  url: string;
  requests: { path: string; auth: string | undefined; body: Record<string, unknown> }[];
  answers: unknown[];
  close(): Promise<void>;
}

/** A tiny OpenAI-compatible chat completions endpoint that answers from a queue. */
async function startFakeUpstream(): Promise<FakeUpstream> {
  const fake: FakeUpstream = { url: '', requests: [], answers: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      fake.requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> });
      const message = fake.answers.shift() ?? { role: 'assistant', content: 'default upstream answer' };
      if ((message as { status?: number }).status === 500) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'upstream broke', type: 'server_error', param: null, code: null } }));
      }
      const finish = (message as { tool_calls?: unknown }).tool_calls ? 'tool_calls' : 'stop';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion', created: 1, model: 'upstream-model', choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

describe('chat-completions bridge', () => {
  let upstream: FakeUpstream;
  let server: RunningAssistantsServer;
  let client: OpenAI;
  const recorder = createRecorder();

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    server = await startAssistantsServer({ model: 'chat-completions', modelUrl: upstream.url, modelKey: 'upstream-key', modelName: 'upstream-model' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', fetch: recorder.fetch, maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    const findings = (await recorder.settled()).flatMap((r) => new ContractChecker().check(r));
    expect(findings).toEqual([]);
  });

  it('forwards instructions, messages and function tools, and maps tool calls to requires_action', async () => {
    upstream.answers.push({ role: 'assistant', content: null, tool_calls: [{ id: 'call_up1', type: 'function', function: { name: 'send_email', arguments: '{"to":"z@example.com"}' } }] });
    upstream.answers.push({ role: 'assistant', content: 'Email sent.' });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'You send email.', tools: [sendEmailTool, { type: 'code_interpreter' }] });
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'Mail z please' }] });
    const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('requires_action');
    const call = run.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(call.function).toEqual({ name: 'send_email', arguments: '{"to":"z@example.com"}' });

    const first = upstream.requests[0]!;
    expect(first.path).toBe('/v1/chat/completions');
    expect(first.auth).toBe('Bearer upstream-key');
    expect(first.body.model).toBe('upstream-model');
    expect(first.body.messages).toEqual([
      { role: 'system', content: 'You send email.' },
      { role: 'user', content: 'Mail z please' },
    ]);
    expect(first.body.tools).toEqual([{ type: 'function', function: sendEmailTool.function }]);

    const done = await client.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: '{"sent":true}' }] });
    expect(done.status).toBe('completed');
    const second = upstream.requests[1]!;
    expect((second.body.messages as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'send_email', arguments: '{"to":"z@example.com"}' } }] },
      { role: 'tool', tool_call_id: call.id, content: '{"sent":true}' },
    ]);
    const [reply] = (await client.beta.threads.messages.list(thread.id, { limit: 1 })).data;
    expect(reply!.content[0]).toEqual({ type: 'text', text: { value: 'Email sent.', annotations: [] } });
  });

  it('fails the run with server_error when the upstream fails', async () => {
    upstream.answers.push({ status: 500 });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' });
    const run = await client.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'x' }] } });
    expect(run.status).toBe('failed');
    expect(run.last_error!.code).toBe('server_error');
    expect(run.last_error!.message).toContain('upstream broke');
  });

  it('forwards chat completions to the upstream under the configured model name', async () => {
    upstream.answers.push({ role: 'assistant', content: 'from upstream' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.choices[0]!.message.content).toBe('from upstream');
    const forwarded = upstream.requests.at(-1)!;
    expect(forwarded.body).toMatchObject({ model: 'upstream-model', messages: [{ role: 'user', content: 'hello' }] });
  });
});
