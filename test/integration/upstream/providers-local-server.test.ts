// Each provider's client against the local server, which serves the OpenAI (/v1), Azure OpenAI (/openai/v1, the v1
// API without api-version) and Foundry (/api/projects/{p}/openai/v1; classic: /api/projects/{p} + api-version=v1)
// URL styles and checks their auth: a Responses conversation on every Responses provider, an Assistants run on
// the two providers that still speak that protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/identity';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { loadConfig } from '../../../src/config';
import { classifyUpstreamError, createChatClient, createUpstreamClient } from '../../../src/upstream';

const credential: TokenCredential = { getToken: async () => ({ token: 'local-entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const storage = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };

describe('upstream clients against the local Assistants server', () => {
  let server: RunningAssistantsServer;
  beforeAll(async () => {
    server = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server?.close());

  const script = (body: unknown) => fetch(`${server.url}/_admin/script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const responsesProviders: [string, () => Record<string, string>][] = [
    ['local (/v1)', () => ({ LOCAL_ASSISTANTS_URL: server.url })],
    ['openai (/v1)', () => ({ ...storage, ASSISTANTS_PROVIDER: 'openai', ASSISTANTS_ENDPOINT: `${server.url}/v1`, ASSISTANTS_API_KEY: 'sk-local' })],
    ['azure-openai with a key (/openai/v1)', () => ({ ...storage, ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: server.url, ASSISTANTS_API_KEY: 'local-key' })],
    ['azure-openai keyless (/openai/v1)', () => ({ ...storage, ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: server.url })],
    ["azure-openai from the training's .env names", () => ({ ...storage, OPENAI_URI: server.url, OPENAI_KEY: 'local-key', OPENAI_VERSION: '2024-05-01-preview', OPENAI_GPT_DEPLOYMENT: 'gpt-4o' })],
    ['foundry (/api/projects/{p}/openai/v1)', () => ({ ...storage, ASSISTANTS_PROVIDER: 'foundry', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/local-project` })],
  ];

  it.each(responsesProviders)('%s: holds a Responses conversation and maps protocol errors', async (_name, env) => {
    const config = loadConfig(env());
    expect(config.protocol).toBe('responses');
    const client = createUpstreamClient(config, { credential });
    const conversation = await client.conversations.create({});
    await script({ conversation_id: conversation.id, turns: [{ message: 'Hello!' }] });
    const response = await client.responses.create({ model: config.MODEL_DEPLOYMENT, conversation: conversation.id, input: 'Hello there' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello!');
    const items = await client.conversations.items.list(conversation.id, { order: 'asc' });
    expect(items.data.map((item) => (item.type === 'message' ? item.role : item.type))).toEqual(['user', 'assistant']);

    const missing = await client.responses.retrieve('resp_doesnotexist').catch((e: unknown) => e);
    expect(classifyUpstreamError(missing, { what: 'Run' })).toMatchObject({ code: 'not_found', message: 'Run not found.' });
  });

  const providers: [string, () => Record<string, string>][] = [
    ['local on assistants (/v1)', () => ({ LOCAL_ASSISTANTS_URL: server.url, UPSTREAM_PROTOCOL: 'assistants' })],
    ['foundry-classic (/api/projects/{p} + api-version=v1)', () => ({ ...storage, ASSISTANTS_PROVIDER: 'foundry-classic', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/local-project` })],
  ];

  it.each(providers)('%s: runs an Assistants conversation and maps protocol errors', async (_name, env) => {
    const config = loadConfig(env());
    expect(config.protocol).toBe('assistants');
    const client = createUpstreamClient(config, { credential });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'Answer briefly.' });
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'Hello there' }] });
    // Keep the run busy long enough to observe it refusing messages, however loaded the machine is.
    await script({ thread_id: thread.id, turns: [{ message: 'Hello!', delay_ms: 1_500 }] });
    const run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });

    // While the run is active the thread refuses new messages: mapped to run_active naming the run.
    const refused = await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'again' }).catch((e: unknown) => e);
    expect(classifyUpstreamError(refused)).toMatchObject({ code: 'run_active', status: 409, details: { runId: run.id } });

    const finished = await client.beta.threads.runs.poll(run.id, { thread_id: thread.id });
    expect(finished.status).toBe('completed');
    const messages = await client.beta.threads.messages.list(thread.id, { order: 'asc' });
    expect(messages.data.map((m) => m.role)).toEqual(['user', 'assistant']);

    const missing = await client.beta.threads.retrieve('thread_doesnotexist').catch((e: unknown) => e);
    expect(classifyUpstreamError(missing, { what: 'Thread' })).toMatchObject({ code: 'not_found', message: 'Thread not found.' });
  });

  it("foundry-classic: the router's chat completions go to the resource's Azure OpenAI v1 API with a Cognitive Services token", async () => {
    const scopes: string[] = [];
    const paths: string[] = [];
    const recording: TokenCredential = { getToken: async (scope) => (scopes.push(...[scope].flat()), { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const env = { ...storage, ASSISTANTS_PROVIDER: 'foundry-classic', ASSISTANTS_ENDPOINT: `${server.url}/api/projects/local-project` };
    const fetchRecording: typeof fetch = (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch(input, init);
    };
    const chat = createChatClient(loadConfig(env), { credential: recording, fetch: fetchRecording });
    const completion = await chat.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo: ping');
    expect(paths).toEqual(['/openai/v1/chat/completions']);
    expect(scopes).toEqual(['https://cognitiveservices.azure.com/.default']);
  });
});
