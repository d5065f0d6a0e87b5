// The copilot router's prompt, parsing and direct answers against a real local server: chat completions (the
// Assistants protocol's model call) and unstored responses (the Responses protocol's), scripted, through the
// same upstream clients the app builds.
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { loadAssistantDefinitions, type AssistantDefinition } from '../../../src/assistants';
import { loadConfig } from '../../../src/config';
import { answerDirectly, chatCompletionsModel, classifyIntent, createCopilotRouter, DIRECT_ANSWER_SYSTEM_PROMPT, MAX_ROUTED_CHARS, parseRoute, responsesModel, routerPrompt, textModelFor } from '../../../src/copilot';
import { createUpstreamClient } from '../../../src/upstream';

const ROOT = path.resolve(__dirname, '../../..');
let server: RunningAssistantsServer;
let definitions: AssistantDefinition[];

const admin = (route: string, init: { method: string; body?: unknown }) =>
  fetch(`${server.url}/_admin${route}`, { method: init.method, headers: { 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
const scriptChat = (...answers: string[]) => admin('/script', { method: 'POST', body: { chat: answers.map((content) => ({ content })) } });
/** Responses turns queued without a conversation: what the next unstored responses answer. */
const scriptResponses = (...answers: string[]) => admin('/script', { method: 'POST', body: { turns: answers.map((message) => ({ message })) } });
const localClient = () => createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url }));
const chatModel = (client = localClient()) => chatCompletionsModel(client, 'gpt-4o');
/** A client whose request bodies and paths are kept (the requests still reach the real server). */
function recordingClient() {
  const bodies: Array<{ model: string; temperature?: number; messages: Array<{ role: string; content: string }>; store?: boolean; instructions?: string; input?: string }> = [];
  const paths: string[] = [];
  const record: typeof fetch = async (input, init) => {
    paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body) as (typeof bodies)[number]);
    return fetch(input, init);
  };
  return { client: createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: server.url }), { fetch: record }), bodies, paths };
}

beforeAll(async () => {
  server = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
  definitions = await loadAssistantDefinitions(path.join(ROOT, 'assistants'), { knownTools: ['get_stock_price', 'send_email'] });
});
afterAll(() => server?.close());
beforeEach(async () => {
  await admin('/script', { method: 'DELETE' });
  await admin('/faults', { method: 'POST', body: {} });
});

describe('router prompt', () => {
  it("lists every assistant's key and intent and asks for exactly one key or other", () => {
    const candidates = definitions.map((d) => ({ key: d.key, intent: d.intent }));
    const { system, user, temperature } = routerPrompt(candidates, 'What is the price of MSFT?');
    // temperature 0: the same message reaches the same assistant.
    expect(temperature).toBe(0);
    const prompt = system;
    for (const def of definitions) expect(prompt).toContain(`- ${def.key}: ${def.intent}`);
    expect(prompt).toContain('- other:');
    expect(prompt).toMatch(/exactly one key/);
    expect(prompt).toContain(`${definitions.map((d) => d.key).join(', ')}, other.`);
    expect(user).toBe('What is the price of MSFT?');
  });

  it('routes on the start of a very long message only', () => {
    const { user } = routerPrompt([{ key: 'trading', intent: 'prices' }], 'x'.repeat(MAX_ROUTED_CHARS + 500));
    expect(user).toHaveLength(MAX_ROUTED_CHARS);
  });

  it('never offers the reserved names auto and other as assistants', () => {
    const prompt = routerPrompt([{ key: 'auto', intent: 'loops' }, { key: 'trading', intent: 'prices' }], 'hi').system;
    expect(prompt).not.toContain('- auto:');
    expect(prompt).toContain('- trading: prices');
  });
});

describe('parsing the answer', () => {
  const keys = ['trading', 'math-tutor', 'failed-banks'];
  it.each([
    ['trading', 'trading'],
    ['  Trading\n', 'trading'],
    ['"trading"', 'trading'],
    ["'math-tutor'.", 'math-tutor'],
    ['**failed-banks**', 'failed-banks'],
    ['`math-tutor`', 'math-tutor'],
    ['Math Tutor', 'math-tutor'],
    ['math_tutor', 'math-tutor'],
    ['Key: trading', 'trading'],
    ['trading\nBecause the user asks for a price.', 'trading'],
    ['OTHER', 'other'],
    ['sales', 'other'],
    ['I would pick trading', 'other'],
    ['', 'other'],
  ])('%j → %s', (answer, expected) => {
    expect(parseRoute(answer, keys)).toBe(expected);
  });
  it('treats a missing answer as other', () => {
    expect(parseRoute(null, keys)).toBe('other');
    expect(parseRoute(undefined, keys)).toBe('other');
  });
});

describe('classification on the local server', () => {
  const candidates = () => definitions.map((d) => ({ key: d.key, intent: d.intent }));

  it("returns the assistant key the model names, cleaned up, and other for anything it doesn't know", async () => {
    await scriptChat('Trading.', ' "math-tutor" ', 'the weather one', 'other');
    const { client, bodies } = recordingClient();
    const classify = (content: string) => classifyIntent({ model: chatModel(client), candidates: candidates() }, content);
    expect(await classify('What is the price of MSFT?')).toBe('trading');
    expect(await classify('Solve 3x + 11 = 14')).toBe('math-tutor');
    expect(await classify('Will it rain?')).toBe('other');
    expect(await classify('Hi, how are you?')).toBe('other');
    // One deterministic completion per message: the prompt built above, then the message.
    expect(bodies).toHaveLength(4);
    expect(bodies[0]).toMatchObject({ model: 'gpt-4o', temperature: 0 });
    const prompt = routerPrompt(candidates(), 'What is the price of MSFT?');
    expect(bodies[0]!.messages).toEqual([
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ]);
  });

  it('works through the Azure OpenAI URL style with the deployment as the model', async () => {
    await scriptChat('failed-banks');
    const client = createUpstreamClient(
      loadConfig({ ASSISTANTS_PROVIDER: 'azure-openai', ASSISTANTS_ENDPOINT: server.url, ASSISTANTS_API_KEY: 'k', AzureWebJobsStorage: 'UseDevelopmentStorage=true' }),
    );
    const router = createCopilotRouter({ model: chatCompletionsModel(client, 'gpt-4o-router'), definitions });
    expect(await router.classify('Which banks failed in 2023?')).toBe('failed-banks');
    const stats = (await (await admin('/stats', { method: 'GET' })).json()) as { by_route: Record<string, number> };
    expect(stats.by_route['POST /chat/completions']).toBeGreaterThan(0);
  });

  it('maps an upstream failure to a typed error', async () => {
    await admin('/faults', { method: 'POST', body: { rate_500: 1 } });
    const client = localClient().withOptions({ maxRetries: 0 });
    const failure = await classifyIntent({ model: chatModel(client), candidates: candidates() }, 'hi').catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'AppError', status: 502 });
  });
});

describe('direct answers', () => {
  it('answers with a plain chat completion and reports its usage', async () => {
    await scriptChat('Hello! I am doing well, thanks for asking.');
    const answer = await answerDirectly({ model: chatModel() }, 'Hi, how are you?');
    expect(answer.text).toBe('Hello! I am doing well, thanks for asking.');
    expect(answer.usage!.total_tokens).toBeGreaterThan(0);
  });

  it("sends the helpful-assistant system prompt and the user's message", async () => {
    const { client, bodies } = recordingClient();
    // Unscripted, the local model echoes the last user message.
    const answer = await answerDirectly({ model: chatModel(client) }, 'Tell me a joke');
    expect(answer.text).toBe('Echo: Tell me a joke');
    expect(DIRECT_ANSWER_SYSTEM_PROMPT).toMatch(/helpful assistant/);
    expect(bodies).toEqual([expect.objectContaining({ model: 'gpt-4o', messages: [{ role: 'system', content: DIRECT_ANSWER_SYSTEM_PROMPT }, { role: 'user', content: 'Tell me a joke' }] })]);
  });

  it('refuses an empty answer rather than storing a blank reply', async () => {
    await scriptChat('   ');
    const failure = await answerDirectly({ model: chatModel() }, 'hi').catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'upstream_error', status: 502 });
  });
});

describe('on the Responses protocol', () => {
  const candidates = () => definitions.map((d) => ({ key: d.key, intent: d.intent }));

  it('classifies with one unstored response carrying the routing prompt, and no chat completion', async () => {
    await scriptResponses('Trading.');
    const { client, bodies, paths } = recordingClient();
    const router = createCopilotRouter({ model: textModelFor('responses', client, 'gpt-4o'), definitions });
    expect(await router.classify('What is the price of MSFT?')).toBe('trading');
    const prompt = routerPrompt(candidates(), 'What is the price of MSFT?');
    expect(paths).toEqual(['/v1/responses']);
    expect(bodies).toEqual([expect.objectContaining({ model: 'gpt-4o', store: false, instructions: prompt.system, input: prompt.user, temperature: 0 })]);
  });

  it('answers directly with a response and reports its usage; an empty one is refused', async () => {
    await scriptResponses('Hello from Responses.', '   ');
    const model = responsesModel(localClient(), 'gpt-4o');
    const answer = await answerDirectly({ model }, 'Hi, how are you?');
    expect(answer.text).toBe('Hello from Responses.');
    expect(answer.usage!.total_tokens).toBeGreaterThan(0);
    expect(await answerDirectly({ model }, 'hi').catch((e: unknown) => e)).toMatchObject({ code: 'upstream_error', status: 502 });
  });

  it('keeps chat completions for the Assistants protocol', async () => {
    await scriptChat('math-tutor');
    const { client, paths } = recordingClient();
    expect(await classifyIntent({ model: textModelFor('assistants', client, 'gpt-4o'), candidates: candidates() }, 'Solve 3x + 11 = 14')).toBe('math-tutor');
    expect(paths).toEqual(['/v1/chat/completions']);
  });
});
