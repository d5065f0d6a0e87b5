// dataDir keeps the state across restarts: resources, file contents, scripts and a run waiting on tool outputs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../local/assistants-server';
import { sendEmailTool } from './fixtures';
import { ContractChecker, createRecorder } from './support/contract';
import { adminClient } from './support/harness';

const dataDir = mkdtempSync(path.join(tmpdir(), 'assistants-server-'));
const recorder = createRecorder();
const running: RunningAssistantsServer[] = [];

async function start() {
  const server = await startAssistantsServer({ dataDir });
  running.push(server);
  return { server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', fetch: recorder.fetch, maxRetries: 0 }), admin: adminClient(server.url) };
}

afterAll(async () => {
  for (const server of running) await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect((await recorder.settled()).flatMap((r) => new ContractChecker().check(r))).toEqual([]);
});

describe('persistence with dataDir', () => {
  it('serves the same state after a restart', async () => {
    const first = await start();
    const c = first.client;
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', name: 'kept', tools: [sendEmailTool] });
    const file = await c.files.create({ file: await toFile(Buffer.from('kept bytes'), 'kept.txt'), purpose: 'assistants' });
    const store = await c.vectorStores.create({ name: 'kept store', file_ids: [file.id] });
    const done = await c.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'remember me' }] } });
    expect(done.status).toBe('completed');
    const waitingThread = await c.beta.threads.create({ messages: [{ role: 'user', content: '/call send_email {}' }] });
    const waiting = await c.beta.threads.runs.createAndPoll(waitingThread.id, { assistant_id: assistant.id });
    expect(waiting.status).toBe('requires_action');
    const scriptedAssistant = await c.beta.assistants.create({ model: 'gpt-4o' });
    await first.admin.script({ assistant_id: scriptedAssistant.id, turns: [{ message: 'scripted before the restart' }] });
    await first.server.close();

    const second = await start();
    const d = second.client;
    expect((await d.beta.assistants.retrieve(assistant.id)).name).toBe('kept');
    expect(await (await d.files.content(file.id)).text()).toBe('kept bytes');
    expect((await d.vectorStores.retrieve(store.id)).name).toBe('kept store');
    const [reply] = (await d.beta.threads.messages.list(done.thread_id, { limit: 1 })).data;
    expect(reply!.content[0]).toMatchObject({ type: 'text', text: { value: 'Echo: remember me' } });
    expect((await d.beta.threads.runs.retrieve(done.id, { thread_id: done.thread_id })).status).toBe('completed');

    const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
    const finished = await d.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, { thread_id: waitingThread.id, tool_outputs: [{ tool_call_id: call.id, output: 'sent' }] });
    expect(finished.status).toBe('completed');
    const next = await d.beta.threads.createAndRunPoll({ assistant_id: scriptedAssistant.id, thread: { messages: [{ role: 'user', content: 'x' }] } });
    const [scripted] = (await d.beta.threads.messages.list(next.thread_id, { limit: 1 })).data;
    expect(scripted!.content[0]).toMatchObject({ text: { value: 'scripted before the restart' } });
    await second.server.close();

    const third = await start();
    expect((await third.client.beta.threads.runs.retrieve(waiting.id, { thread_id: waitingThread.id })).status).toBe('completed');
    await third.admin.reset();
    await third.server.close();
    const fourth = await start();
    expect((await fourth.client.beta.assistants.list()).data).toEqual([]);
  });
});
