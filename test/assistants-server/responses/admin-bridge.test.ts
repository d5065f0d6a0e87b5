// The admin surface and the model plumbing over the Responses protocol: faults, stats (by_response and
// route templates shared by the URL styles), the server clock, persistence across a restart, and the
// chat-completions bridge driving Responses turns.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { PNG_BASE64, errorOf } from '../fixtures';
import { ContractChecker, createRecorder } from '../support/contract';
import { adminClient } from '../support/harness';
import { sendEmail, useResponsesServer } from './support';

const h = useResponsesServer();

describe('faults, stats and clock', () => {
  it('injects faults into Responses requests', async () => {
    await h.admin.faults({ rate_429: 1, retry_after_ms: 2000 });
    const limited = await errorOf(h.openai.responses.create({ model: 'gpt-4o', input: 'x' }));
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    await h.admin.faults({ rate_500: 1 });
    expect((await errorOf(h.foundryV1().conversations.create())).status).toBe(500);
    await h.admin.faults({});
    expect((await h.openai.responses.create({ model: 'gpt-4o', input: 'fine' })).output_text).toBe('Echo: fine');
  });

  it('counts requests by route template across URL styles and by response', async () => {
    const before = await h.admin.stats();
    const ids: string[] = [];
    for (const [, client] of h.styles) {
      const response = await client().responses.create({ model: 'gpt-4o', input: 'count me' });
      await client().responses.retrieve(response.id);
      ids.push(response.id);
    }
    const after = await h.admin.stats();
    const delta = (route: string) => (after.by_route[route] ?? 0) - (before.by_route[route] ?? 0);
    expect(delta('POST /responses')).toBe(3);
    expect(delta('GET /responses/{response_id}')).toBe(3);
    for (const id of ids) expect(after.by_response[id]).toMatchObject({ calls: 2, status: 'completed', terminal_at_ms: expect.any(Number) });
    const conversation = await h.azureV1().conversations.create();
    await h.openai.conversations.items.list(conversation.id);
    expect((await h.admin.stats()).by_route['GET /conversations/{conversation_id}/items']).toBeGreaterThanOrEqual(1);
  });

  it('stamps responses with the server clock', async () => {
    const before = await h.openai.responses.create({ model: 'gpt-4o', input: 'now' });
    await h.admin.advanceClock(3_600_000);
    const later = await h.openai.responses.create({ model: 'gpt-4o', input: 'later' });
    expect(later.created_at - before.created_at).toBeGreaterThanOrEqual(3600);
    const conversation = await h.openai.conversations.create();
    expect(conversation.created_at).toBeGreaterThanOrEqual(later.created_at);
  });
});

describe('persistence with dataDir', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'responses-server-'));
  const recorder = createRecorder();
  const running: RunningAssistantsServer[] = [];
  const start = async () => {
    const server = await startAssistantsServer({ dataDir });
    running.push(server);
    return { server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', fetch: recorder.fetch, maxRetries: 0 }), admin: adminClient(server.url) };
  };
  afterAll(async () => {
    for (const server of running) await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect((await recorder.settled()).flatMap((r) => new ContractChecker('responses').check(r))).toEqual([]);
  });

  it('keeps responses, conversations, containers and their files across a restart', async () => {
    const first = await start();
    const c = first.client;
    const conversation = await c.conversations.create({ metadata: { kept: 'yes' } });
    await first.admin.script({
      conversation_id: conversation.id,
      turns: [{ code_interpreter: { input: 'plot()', image_png_base64: PNG_BASE64 } }, { message: 'Plotted.' }],
    });
    const response = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'plot it', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] });
    const containerId = (response.output[0] as OpenAI.Responses.ResponseCodeInterpreterToolCall).container_id;
    const called = await c.responses.create({ model: 'gpt-4o', input: '/call send_email {"to":"x@y.z"}', tools: [sendEmail] });
    await first.server.close();

    const second = await start();
    const d = second.client;
    expect((await d.responses.retrieve(response.id)).output_text).toBe('Plotted.');
    expect((await d.conversations.retrieve(conversation.id)).metadata).toEqual({ kept: 'yes' });
    const items = await d.conversations.items.list(conversation.id, { order: 'asc' });
    expect(items.data.map((i) => i.type)).toEqual(['message', 'code_interpreter_call', 'message']);
    const files = await d.containers.files.list(containerId);
    const image = await d.containers.files.content.retrieve(files.data[0]!.id, { container_id: containerId });
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true);
    const call = called.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const answered = await d.responses.create({ model: 'gpt-4o', previous_response_id: called.id, tools: [sendEmail], input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sent' }] });
    expect(answered.output_text).toBe('send_email returned: sent');
  });
});

describe('chat-completions bridge', () => {
  const requests: { messages: { role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }[]; tools?: unknown[]; tool_choice?: unknown }[] = [];
  const answers: unknown[] = [];
  let upstream: http.Server;
  let server: RunningAssistantsServer;
  let client: OpenAI;
  const recorder = createRecorder();

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push(JSON.parse(body) as (typeof requests)[number]);
        const message = answers.shift() ?? { role: 'assistant', content: 'default' };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion', created: 1, model: 'real', choices: [{ index: 0, finish_reason: 'stop', message }] }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    const modelUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    server = await startAssistantsServer({ model: 'chat-completions', modelUrl, modelName: 'real-model' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', fetch: recorder.fetch, maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    expect((await recorder.settled()).flatMap((r) => new ContractChecker('responses').check(r))).toEqual([]);
  });

  it('forwards Responses turns as chat completions and maps tool calls back', async () => {
    answers.push({ role: 'assistant', content: null, tool_calls: [{ id: 'up_1', type: 'function', function: { name: 'send_email', arguments: '{"to":"ada@example.com"}' } }] });
    const first = await client.responses.create({ model: 'gpt-4o', instructions: 'Be helpful.', input: 'Email Ada', tools: [sendEmail] });
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', name: 'send_email', arguments: '{"to":"ada@example.com"}' });
    expect(requests[0]).toMatchObject({
      model: 'real-model',
      messages: [
        { role: 'system', content: 'Be helpful.' },
        { role: 'user', content: 'Email Ada' },
      ],
      tools: [{ type: 'function', function: { name: 'send_email', parameters: sendEmail.parameters } }],
    });

    answers.push({ role: 'assistant', content: 'Sent it.' });
    const second = await client.responses.create({ model: 'gpt-4o', previous_response_id: first.id, tools: [sendEmail], input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"ok":true}' }] });
    expect(second.output_text).toBe('Sent it.');
    expect(requests[1]!.messages).toEqual([
      { role: 'user', content: 'Email Ada' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'send_email', arguments: '{"to":"ada@example.com"}' } }] },
      { role: 'tool', tool_call_id: call.call_id, content: '{"ok":true}' },
    ]);
  });
});
