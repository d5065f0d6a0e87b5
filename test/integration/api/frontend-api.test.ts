// The frontend HTTP API on the full local stack, through the real local Functions host: isolation between
// users, identity, input validation, the OpenAPI document, run events (SSE), waiting for replies, the
// thread surface, health and CORS. One stack for the whole file (dev identity: x-user-id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startStack, type Stack } from '../../support/stack';
import { postOnFreshConnection, readSse, registeredHttpFunctions, request, scriptTurns, TERMINAL_RUN_STATUSES, type Json, type SseMessage } from './support';

const ORIGIN = 'http://app.example';
let stack: Stack;
const as = (userId: string) => apiClient(() => stack.api, userId);

beforeAll(async () => {
  stack = await startStack({ env: { CORS_ALLOWED_ORIGINS: ORIGIN } });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function newThread(userId: string, body: Record<string, unknown> = {}): Promise<Json> {
  const created = await as(userId).post('/threads', body);
  expect(created.status).toBe(201);
  return created.body!;
}

/** Posts a message and returns our run id (202: the run is under way). */
async function startRun(userId: string, threadId: string, content: string): Promise<string> {
  const accepted = await as(userId).post(`/threads/${threadId}/messages`, { content });
  expect(accepted.status).toBe(202);
  return accepted.body!.run.id as string;
}

/** Posts a message and waits for the reply in the same request (200). */
async function converse(userId: string, threadId: string, content: string): Promise<Json> {
  const answered = await as(userId).post(`/threads/${threadId}/messages?wait=30`, { content });
  expect(answered.status).toBe(200);
  expect(answered.body!.run.status).toBe('completed');
  return answered.body!;
}

async function finished(userId: string, threadId: string, runId: string): Promise<Json> {
  return eventually(
    async () => {
      const run = await as(userId).get(`/threads/${threadId}/runs/${runId}`);
      return TERMINAL_RUN_STATUSES.includes(run.body?.status) ? run.body! : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

const textOf = (message: Json): string => (message.content as Json[]).map((part) => part.text?.value ?? '').join('');
const call = (name: string, args: unknown) => `/call ${name} ${JSON.stringify(args)}`;

describe('isolation between users', () => {
  const missingThread = 'thread_NoSuchThread0000000000';
  const missingRun = 'run_000000000000000000000000';
  let threadId: string;
  let runId: string;
  let toolCallId: string;

  beforeAll(async () => {
    // Alice's run waits for a client tool output, so cancel and tool_outputs would both be accepted from her.
    threadId = (await newThread('alice')).id;
    runId = await startRun('alice', threadId, `Where am I?\n${call('get_user_location', {})}`);
    const waiting = await eventually(async () => {
      const run = (await as('alice').get(`/threads/${threadId}/runs/${runId}`)).body!;
      return run.status === 'requires_action' && run.required_action ? run : undefined;
    }, { timeoutMs: 60_000 });
    toolCallId = waiting.required_action.tool_calls[0].id;
  }, 90_000);

  it("answers another user 404 on every thread-scoped route, exactly like a missing id, and changes nothing", async () => {
    type Case = { route: string; method: string; path: (t: string, r: string) => string; body?: unknown; runScoped: boolean };
    const cases: Case[] = [
      { route: 'getThread', method: 'GET', path: (t) => `/threads/${t}`, runScoped: false },
      { route: 'deleteThread', method: 'DELETE', path: (t) => `/threads/${t}`, runScoped: false },
      { route: 'postMessage', method: 'POST', path: (t) => `/threads/${t}/messages`, body: { content: 'Hello from bob' }, runScoped: false },
      { route: 'listMessages', method: 'GET', path: (t) => `/threads/${t}/messages`, runScoped: false },
      { route: 'listRuns', method: 'GET', path: (t) => `/threads/${t}/runs`, runScoped: false },
      { route: 'getRun', method: 'GET', path: (t, r) => `/threads/${t}/runs/${r}`, runScoped: true },
      { route: 'listRunSteps', method: 'GET', path: (t, r) => `/threads/${t}/runs/${r}/steps`, runScoped: true },
      { route: 'cancelRun', method: 'POST', path: (t, r) => `/threads/${t}/runs/${r}/cancel`, runScoped: true },
      {
        route: 'submitToolOutputs',
        method: 'POST',
        path: (t, r) => `/threads/${t}/runs/${r}/tool_outputs`,
        body: { tool_outputs: [{ tool_call_id: toolCallId, output: '{"city":"Mallory town"}' }] },
        runScoped: true,
      },
      { route: 'runEvents', method: 'GET', path: (t, r) => `/threads/${t}/runs/${r}/events`, runScoped: true },
    ];
    const send = (userId: string, c: Case, t: string, r: string) =>
      request(`${stack.api}${c.path(t, r)}`, {
        method: c.method,
        headers: { 'x-user-id': userId, ...(c.body ? { 'content-type': 'application/json' } : {}) },
        body: c.body ? JSON.stringify(c.body) : undefined,
      });

    for (const c of cases) {
      const bobs = await send('bob', c, threadId, runId);
      const missing = await send('bob', c, missingThread, runId);
      expect(missing.status, `${c.route}: missing thread`).toBe(404);
      expect(missing.json?.error?.code, `${c.route}: missing thread`).toBe('not_found');
      expect(bobs.status, `${c.route}: alice's resource as bob`).toBe(404);
      expect(bobs.headers.get('content-type'), c.route).toMatch(/^application\/json/);
      // Same body, byte for byte: nothing tells bob that the thread or run exists.
      expect(bobs.text, `${c.route}: alice's resource as bob vs a missing thread`).toBe(missing.text);
      expect(Object.keys(bobs.json), c.route).toEqual(['error']);
      expect(Object.keys(bobs.json.error).sort(), c.route).toEqual(['code', 'message']);
      if (c.runScoped) {
        const missingRunOfAlice = await send('alice', c, threadId, missingRun);
        expect(missingRunOfAlice.status, `${c.route}: alice, missing run`).toBe(404);
        expect(bobs.text, `${c.route}: alice's run as bob vs a missing run`).toBe(missingRunOfAlice.text);
      }
    }

    // Nothing bob sent had an effect: the thread is there, holds only alice's message, and the run still waits for her.
    expect((await as('alice').get(`/threads/${threadId}`)).status).toBe(200);
    const messages = (await as('alice').get(`/threads/${threadId}/messages`)).body!;
    expect(messages.data.map((m: Json) => m.role)).toEqual(['user']);
    expect(textOf(messages.data[0])).toContain('Where am I?');
    const run = (await as('alice').get(`/threads/${threadId}/runs/${runId}`)).body!;
    expect(run.status).toBe('requires_action');
    expect(run.tool_calls).toEqual([expect.objectContaining({ id: toolCallId, status: 'pending', output: null })]);

    const submitted = await as('alice').post(`/threads/${threadId}/runs/${runId}/tool_outputs`, { tool_outputs: [{ tool_call_id: toolCallId, output: '{"city":"Lisbon"}' }] });
    expect(submitted.status).toBe(202);
    expect((await finished('alice', threadId, runId)).status).toBe('completed');
    const reply = (await as('alice').get(`/threads/${threadId}/messages?run_id=${runId}`)).body!.data.map(textOf).join('\n');
    expect(reply).toContain('Lisbon');
    expect(reply).not.toContain('Mallory');
  }, 120_000);

  it("never lists another user's threads", async () => {
    const bobsThread = (await newThread('bob')).id as string;
    const bobs = (await as('bob').get('/threads?limit=100')).body!;
    const alices = (await as('alice').get('/threads?limit=100')).body!;
    expect(bobs.data.map((t: Json) => t.id)).toContain(bobsThread);
    expect(bobs.data.map((t: Json) => t.id)).not.toContain(threadId);
    expect(alices.data.map((t: Json) => t.id)).toContain(threadId);
    expect(alices.data.map((t: Json) => t.id)).not.toContain(bobsThread);
    // Alice's thread id is no cursor for bob either: the same answer as an unknown id.
    const foreignCursor = await as('bob').get(`/threads?after=${threadId}`);
    const unknownCursor = await as('bob').get(`/threads?after=${missingThread}`);
    expect(foreignCursor.status).toBe(400);
    expect(foreignCursor.status).toBe(unknownCursor.status);
    expect(foreignCursor.body!.error.code).toBe(unknownCursor.body!.error.code);
  }, 60_000);
});

describe('identity (dev mode: x-user-id)', () => {
  let threadId: string;
  let runId: string;

  beforeAll(async () => {
    threadId = (await newThread('erin')).id;
    runId = (await converse('erin', threadId, 'hello')).run.id;
  }, 60_000);

  it('answers 401 unauthorized without x-user-id on every route the host registered, except health and openapi.json', async () => {
    const functions = registeredHttpFunctions(stack);
    // The banner is what we iterate over: make sure it was read (every route the frontend uses is there).
    expect(functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['health', 'openapi', 'createThread', 'listThreads', 'getThread', 'deleteThread', 'postMessage', 'listMessages', 'listRuns', 'getRun', 'listRunSteps', 'cancelRun', 'submitToolOutputs', 'runEvents', 'listAssistants']),
    );
    // runSweep and getSweep are operator routes behind the admin key, not a caller's routes.
    const anonymous = ['health', 'openapi', 'runSweep', 'getSweep'];
    for (const fn of functions) {
      // Preflights are anonymous by design (browsers send no credentials); see the CORS tests.
      if (fn.method === 'OPTIONS') continue;
      const path = fn.route.replace('{threadId}', threadId).replace('{runId}', runId).replace('{fileId}', 'file-abc123').replace(/\{[^}]+\}/g, 'x');
      const response = await request(`${stack.api}/${path}`, {
        method: fn.method,
        ...(fn.method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: fn.name === 'postMessage' ? '{"content":"hi"}' : '{}' } : {}),
      });
      if (anonymous.includes(fn.name)) {
        if (fn.name !== 'runSweep' && fn.name !== 'getSweep') expect(response.status, `${fn.name} is anonymous`).toBe(200);
        continue;
      }
      expect(response.status, `${fn.method} ${fn.route}`).toBe(401);
      expect(response.json, `${fn.method} ${fn.route}`).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('x-user-id') } });
    }
  }, 60_000);

  it('checks identity before anything else and rejects malformed user ids', async () => {
    const noIdentityBadBody = await request(`${stack.api}/threads/${threadId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":' });
    expect(noIdentityBadBody.status).toBe(401);
    expect(noIdentityBadBody.json.error.code).toBe('unauthorized');
    const noIdentityBadId = await request(`${stack.api}/threads/not-a-thread`);
    expect(noIdentityBadId.status).toBe(401);
    for (const userId of ['has space', 'slash/user', 'x'.repeat(129), '']) {
      const response = await request(`${stack.api}/threads`, { headers: { 'x-user-id': userId } });
      expect(response.status, JSON.stringify(userId)).toBe(401);
      expect(response.json, JSON.stringify(userId)).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('x-user-id') } });
    }
    // The same user id is one identity: 128 allowed characters work.
    const longest = 'u'.repeat(128);
    expect((await as(longest).post('/threads', {})).status).toBe(201);
    expect((await as(longest).get('/threads')).body!.data).toHaveLength(1);
  }, 60_000);
});

describe('malformed input', () => {
  let threadId: string;
  let runId: string;
  const ctx = () => ({ t: threadId, r: runId });
  const metadata = (pairs: number, keyChars = 3, valueChars = 1) =>
    Object.fromEntries(Array.from({ length: pairs }, (_, i) => [`k${String(i).padStart(2, '0')}`.padEnd(keyChars, 'k'), 'v'.repeat(valueChars)]));
  const attachments = (n: number) => Array.from({ length: n }, (_, i) => ({ file_id: `file-abc${i}`, tools: [{ type: 'file_search' }] }));

  beforeAll(async () => {
    threadId = (await newThread('frank')).id;
    runId = (await converse('frank', threadId, 'first')).run.id;
  }, 60_000);

  type Case = { name: string; method: string; path: (c: { t: string; r: string }) => string; body?: unknown; raw?: string; bytes?: Uint8Array; contentType?: string; headers?: Record<string, string>; status: number; code: string; names: string | RegExp };
  const json = (body: unknown) => ({ body });
  const cases: Case[] = [
    // Bad ids in the path.
    { name: 'thread id', method: 'GET', path: () => '/threads/not-a-thread', status: 400, code: 'validation_failed', names: 'params.threadId' },
    { name: 'thread id (delete)', method: 'DELETE', path: () => '/threads/thread_has-dash', status: 400, code: 'validation_failed', names: 'params.threadId' },
    { name: 'thread id (messages)', method: 'POST', path: () => '/threads/thread_/messages', ...json({ content: 'x' }), status: 400, code: 'validation_failed', names: 'params.threadId' },
    { name: 'thread id too long', method: 'GET', path: () => `/threads/thread_${'a'.repeat(65)}/runs`, status: 400, code: 'validation_failed', names: 'params.threadId' },
    { name: 'run id', method: 'GET', path: ({ t }) => `/threads/${t}/runs/notarun`, status: 400, code: 'validation_failed', names: 'params.runId' },
    { name: 'run id (steps)', method: 'GET', path: ({ t }) => `/threads/${t}/runs/run_x!y/steps`, status: 400, code: 'validation_failed', names: 'params.runId' },
    { name: 'run id (cancel)', method: 'POST', path: ({ t }) => `/threads/${t}/runs/RUN_1/cancel`, status: 400, code: 'validation_failed', names: 'params.runId' },
    { name: 'run id (events)', method: 'GET', path: ({ t }) => `/threads/${t}/runs/msg_abc/events`, status: 400, code: 'validation_failed', names: 'params.runId' },
    { name: 'run id (tool_outputs)', method: 'POST', path: ({ t }) => `/threads/${t}/runs/run_/tool_outputs`, ...json({ tool_outputs: [{ tool_call_id: 'call_abc', output: 'x' }] }), status: 400, code: 'validation_failed', names: 'params.runId' },

    // Message bodies.
    { name: 'content 256,001 characters', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x'.repeat(256_001) }), status: 400, code: 'validation_failed', names: 'body.content' },
    { name: 'content empty', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: '' }), status: 400, code: 'validation_failed', names: 'body.content' },
    { name: 'content blank', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: '  \n ' }), status: 400, code: 'validation_failed', names: 'body.content' },
    { name: 'content missing', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({}), status: 400, code: 'validation_failed', names: 'body.content' },
    { name: 'content not a string', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 42 }), status: 400, code: 'validation_failed', names: 'body.content' },
    { name: '17 metadata pairs (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', metadata: metadata(17) }), status: 400, code: 'validation_failed', names: 'body.metadata' },
    { name: 'metadata key of 65 characters (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', metadata: metadata(1, 65) }), status: 400, code: 'validation_failed', names: /body\.metadata.*64/ },
    { name: 'metadata value of 513 characters (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', metadata: metadata(1, 3, 513) }), status: 400, code: 'validation_failed', names: /body\.metadata\.k00.*512/ },
    { name: 'metadata value not a string', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', metadata: { n: 1 } }), status: 400, code: 'validation_failed', names: 'body.metadata.n' },
    { name: '11 attachments', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', attachments: attachments(11) }), status: 400, code: 'validation_failed', names: /body\.attachments.*10/ },
    { name: 'attachment file id', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', attachments: [{ file_id: 'thread_abc', tools: [{ type: 'file_search' }] }] }), status: 400, code: 'validation_failed', names: 'body.attachments[0].file_id' },
    { name: 'attachment without tools', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', attachments: [{ file_id: 'file-abc', tools: [] }] }), status: 400, code: 'validation_failed', names: 'body.attachments[0].tools' },
    { name: 'assistant key', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', assistant: 'Not A Key' }), status: 400, code: 'validation_failed', names: 'body.assistant' },
    { name: 'unknown body field', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json({ content: 'x', role: 'system' }), status: 400, code: 'validation_failed', names: /body.*role/ },
    { name: 'body is an array', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, ...json([{ content: 'x' }]), status: 400, code: 'validation_failed', names: 'body' },
    { name: 'malformed JSON (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, raw: '{"content": "x"', status: 400, code: 'invalid_json', names: /body.*JSON/ },
    { name: 'wrong content type (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, raw: 'content=x', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type', names: 'Content-Type' },
    { name: 'text/plain JSON (message)', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, raw: '{"content":"x"}', contentType: 'text/plain', status: 415, code: 'unsupported_media_type', names: 'Content-Type' },
    { name: 'JSON without content type', method: 'POST', path: ({ t }) => `/threads/${t}/messages`, bytes: new TextEncoder().encode('{"content":"x"}'), contentType: '', status: 415, code: 'unsupported_media_type', names: 'Content-Type' },

    // Thread bodies.
    { name: '17 metadata pairs (thread)', method: 'POST', path: () => '/threads', ...json({ metadata: metadata(17) }), status: 400, code: 'validation_failed', names: 'body.metadata' },
    { name: 'metadata key of 65 characters (thread)', method: 'POST', path: () => '/threads', ...json({ metadata: metadata(1, 65) }), status: 400, code: 'validation_failed', names: /body\.metadata.*64/ },
    { name: 'metadata value of 513 characters (thread)', method: 'POST', path: () => '/threads', ...json({ metadata: metadata(1, 3, 513) }), status: 400, code: 'validation_failed', names: /body\.metadata\.k00.*512/ },
    { name: 'assistant key (thread)', method: 'POST', path: () => '/threads', ...json({ assistant: '-bad' }), status: 400, code: 'validation_failed', names: 'body.assistant' },
    { name: 'unknown assistant (thread)', method: 'POST', path: () => '/threads', ...json({ assistant: 'no-such-assistant' }), status: 400, code: 'validation_failed', names: /assistant.*no-such-assistant/ },
    { name: 'malformed JSON (thread)', method: 'POST', path: () => '/threads', raw: '{', status: 400, code: 'invalid_json', names: /body.*JSON/ },
    { name: 'invalid UTF-8 (thread)', method: 'POST', path: () => '/threads', bytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: 'invalid_json', names: 'body' },
    { name: 'wrong content type (thread)', method: 'POST', path: () => '/threads', raw: '{}', contentType: 'text/plain', status: 415, code: 'unsupported_media_type', names: 'Content-Type' },

    // Tool outputs.
    { name: 'no tool outputs', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, ...json({ tool_outputs: [] }), status: 400, code: 'validation_failed', names: 'body.tool_outputs' },
    { name: 'tool call id', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, ...json({ tool_outputs: [{ tool_call_id: 'abc', output: 'x' }] }), status: 400, code: 'validation_failed', names: 'body.tool_outputs[0].tool_call_id' },
    { name: 'duplicate tool call ids', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, ...json({ tool_outputs: [{ tool_call_id: 'call_a', output: '1' }, { tool_call_id: 'call_a', output: '2' }] }), status: 400, code: 'validation_failed', names: 'body.tool_outputs' },
    { name: 'tool output not a string', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, ...json({ tool_outputs: [{ tool_call_id: 'call_a', output: { city: 'x' } }] }), status: 400, code: 'validation_failed', names: 'body.tool_outputs[0].output' },
    { name: 'malformed JSON (tool outputs)', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, raw: '{"tool_outputs": [}', status: 400, code: 'invalid_json', names: /body.*JSON/ },
    { name: 'wrong content type (tool outputs)', method: 'POST', path: ({ t, r }) => `/threads/${t}/runs/${r}/tool_outputs`, raw: '<xml/>', contentType: 'application/xml', status: 415, code: 'unsupported_media_type', names: 'Content-Type' },

    // Query parameters.
    { name: 'limit 0', method: 'GET', path: () => '/threads?limit=0', status: 400, code: 'validation_failed', names: 'query.limit' },
    { name: 'limit 101', method: 'GET', path: ({ t }) => `/threads/${t}/messages?limit=101`, status: 400, code: 'validation_failed', names: 'query.limit' },
    { name: 'limit not a number', method: 'GET', path: ({ t }) => `/threads/${t}/runs?limit=ten`, status: 400, code: 'validation_failed', names: 'query.limit' },
    { name: 'limit not an integer', method: 'GET', path: ({ t, r }) => `/threads/${t}/runs/${r}/steps?limit=1.5`, status: 400, code: 'validation_failed', names: 'query.limit' },
    { name: 'limit in hex', method: 'GET', path: () => '/threads?limit=0x10', status: 400, code: 'validation_failed', names: 'query.limit' },
    { name: 'order', method: 'GET', path: ({ t }) => `/threads/${t}/messages?order=newest`, status: 400, code: 'validation_failed', names: 'query.order' },
    { name: 'order (steps)', method: 'GET', path: ({ t, r }) => `/threads/${t}/runs/${r}/steps?order=ASC`, status: 400, code: 'validation_failed', names: 'query.order' },
    { name: 'after cursor', method: 'GET', path: ({ t }) => `/threads/${t}/messages?after=a%20b`, status: 400, code: 'validation_failed', names: 'query.after' },
    { name: 'after unknown run', method: 'GET', path: ({ t }) => `/threads/${t}/runs?after=run_unknown0`, status: 400, code: 'validation_failed', names: 'after' },
    { name: 'run_id filter', method: 'GET', path: ({ t }) => `/threads/${t}/messages?run_id=abc`, status: 400, code: 'validation_failed', names: 'query.run_id' },
    { name: 'wait not a number', method: 'POST', path: ({ t }) => `/threads/${t}/messages?wait=soon`, ...json({ content: 'x' }), status: 400, code: 'validation_failed', names: 'query.wait' },
    { name: 'wait over 230', method: 'POST', path: ({ t }) => `/threads/${t}/messages?wait=231`, ...json({ content: 'x' }), status: 400, code: 'validation_failed', names: 'query.wait' },
    { name: 'wait negative', method: 'POST', path: ({ t }) => `/threads/${t}/messages?wait=-1`, ...json({ content: 'x' }), status: 400, code: 'validation_failed', names: 'query.wait' },
    { name: 'last_event_id', method: 'GET', path: ({ t, r }) => `/threads/${t}/runs/${r}/events?last_event_id=a%20b`, status: 400, code: 'validation_failed', names: 'query.last_event_id' },
    { name: 'Last-Event-ID header', method: 'GET', path: ({ t, r }) => `/threads/${t}/runs/${r}/events`, headers: { 'last-event-id': '1/2' }, status: 400, code: 'validation_failed', names: 'headers.last-event-id' },
    // Several bad parts at once: each is named.
    { name: 'several bad fields', method: 'POST', path: () => '/threads/thread_!/messages?wait=x', ...json({ content: '' }), status: 400, code: 'validation_failed', names: /params\.threadId.*query\.wait.*body\.content/ },
  ];

  it.each(cases)('$name → $status $code', async (c) => {
    const { t, r } = ctx();
    const hasBody = c.raw !== undefined || c.bytes !== undefined || c.body !== undefined;
    // '' means: send no Content-Type at all (a byte body, so fetch adds none either).
    const contentType = c.contentType ?? (hasBody ? 'application/json' : undefined);
    const body = c.bytes ?? c.raw ?? (c.body !== undefined ? JSON.stringify(c.body) : undefined);
    const response = await request(`${stack.api}${c.path({ t, r })}`, {
      method: c.method,
      headers: { 'x-user-id': 'frank', ...(contentType ? { 'content-type': contentType } : {}), ...c.headers },
      body,
    });
    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.json).toEqual({ error: { code: c.code, message: expect.any(String) } });
    if (typeof c.names === 'string') expect(response.json.error.message).toContain(c.names);
    else expect(response.json.error.message).toMatch(c.names);
    // No stack traces or internals in the message.
    expect(response.json.error.message).not.toMatch(/\bat \S+ \(|node_modules|https?:\/\//);
  }, 30_000);

  it('answers 413 payload_too_large naming the body for a message body over the limit', async () => {
    // 1,300,000 characters of JSON is over the 1,200 KiB a message body may take.
    const response = await postOnFreshConnection(
      `${stack.api}/threads/${threadId}/messages`,
      { 'x-user-id': 'frank', 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ content: 'x'.repeat(1_300_000) })),
    );
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining('body') } });
  }, 30_000);

  it('let none of the rejected requests reach the thread', async () => {
    // Only the first conversation's two messages and run exist.
    const messages = (await as('frank').get(`/threads/${threadId}/messages?limit=100`)).body!;
    expect(messages.data.map((m: Json) => m.role)).toEqual(['assistant', 'user']);
    const runs = (await as('frank').get(`/threads/${threadId}/runs`)).body!;
    expect(runs.data.map((run: Json) => run.id)).toEqual([runId]);
    const threads = (await as('frank').get('/threads?limit=100')).body!;
    expect(threads.data.map((thread: Json) => thread.id)).toEqual([threadId]);
  }, 30_000);
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.x and documents every route the host registered, under the same operation name', async () => {
    const response = await request(`${stack.api}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = response.json;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(doc.info.title.length).toBeGreaterThan(0);
    expect(typeof doc.paths).toBe('object');
    // The paths are relative to the host's route prefix.
    expect(doc.servers?.[0]?.url).toBe(new URL(stack.api).pathname);

    const functions = registeredHttpFunctions(stack);
    expect(functions.length).toBeGreaterThanOrEqual(15);
    for (const fn of functions) {
      // A catch-all `{*path}` in a Functions route is the `{path}` parameter in OpenAPI.
      const path = `/${fn.route.replace(/\{\*(\w+)\}/g, '{$1}')}`;
      const operation = doc.paths[path]?.[fn.method.toLowerCase()];
      expect(operation, `${fn.method} ${path} (${fn.name}) is documented`).toBeDefined();
      expect(operation.operationId, `${fn.method} ${path}`).toBe(fn.name);
      const templateParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const documentedParams = (operation.parameters ?? []).filter((p: Json) => p.in === 'path');
      expect(documentedParams.map((p: Json) => p.name).sort(), `${fn.name} path parameters`).toEqual(templateParams);
      expect(documentedParams.every((p: Json) => p.required === true), `${fn.name} path parameters are required`).toBe(true);
    }
  }, 30_000);
});

describe('run events (SSE)', () => {
  const data = (event: SseMessage): Json => JSON.parse(event.data);
  const eventsUrl = (threadId: string, runId: string) => `${stack.api}/threads/${threadId}/runs/${runId}/events`;

  it("delivers the run's status changes, tool call and output, the reply, then done", async () => {
    const threadId = (await newThread('grace')).id;
    const runId = await startRun('grace', threadId, `What does MSFT trade at?\n${call('get_stock_price', { symbol: 'MSFT' })}`);
    const stream = await readSse(eventsUrl(threadId, runId), { 'x-user-id': 'grace' });

    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.ended).toBe(true);
    const events = stream.events;
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.id).toBeUndefined();
    expect(data(done)).toEqual({ status: 'completed' });

    const numbered = events.slice(0, -1);
    // Ids are the ledger's sequence: 1, 2, 3, ... with no gap and no repeat.
    expect(numbered.map((e) => Number(e.id))).toEqual(numbered.map((_, i) => i + 1));
    for (const event of numbered) expect(data(event).at, `${event.event} has a time`).toEqual(expect.any(Number));

    const statuses = numbered.filter((e) => e.event === 'run.status').map((e) => data(e).status);
    expect(statuses[0]).toBe('in_progress');
    expect(statuses.at(-1)).toBe('completed');
    // No status is announced twice in a row.
    expect(statuses.filter((s, i) => i > 0 && s === statuses[i - 1])).toEqual([]);

    const index = (predicate: (e: SseMessage) => boolean) => numbered.findIndex(predicate);
    const requiresAction = index((e) => e.event === 'run.status' && data(e).status === 'requires_action');
    const toolCall = index((e) => e.event === 'run.tool_call');
    const toolOutput = index((e) => e.event === 'run.tool_output');
    const reply = index((e) => e.event === 'message.completed');
    const completed = index((e) => e.event === 'run.status' && data(e).status === 'completed');
    expect(requiresAction).toBeGreaterThanOrEqual(0);
    expect([requiresAction, toolCall, toolOutput, reply, completed]).toEqual([...[requiresAction, toolCall, toolOutput, reply, completed]].sort((a, b) => a - b));
    expect(new Set([requiresAction, toolCall, toolOutput, reply, completed]).size).toBe(5);
    // The status goes back to in progress between the tool output and the reply.
    expect(statuses.slice(statuses.indexOf('requires_action') + 1)).toContain('in_progress');

    const run = await finished('grace', threadId, runId);
    expect(data(numbered[toolCall]!)).toEqual({ id: run.tool_calls[0].id, name: 'get_stock_price', arguments: '{"symbol":"MSFT"}', owner: 'server', at: expect.any(Number) });
    expect(data(numbered[toolOutput]!)).toMatchObject({ id: run.tool_calls[0].id, status: 'succeeded' });
    expect(JSON.parse(data(numbered[toolOutput]!).output)).toMatchObject({ symbol: 'MSFT', price: expect.any(Number) });
    const message = data(numbered[reply]!);
    expect(message.role).toBe('assistant');
    expect(message.content[0].text.value).toContain('get_stock_price returned');
    const listed = (await as('grace').get(`/threads/${threadId}/messages?run_id=${runId}`)).body!.data;
    expect(listed.map((m: Json) => m.id)).toContain(message.id);
  }, 120_000);

  it('resumes after a disconnect from Last-Event-ID with only the later events, in order, without duplicates', async () => {
    const threadId = (await newThread('grace')).id;
    // The reply after the tool output takes a while, so the first connection drops while the run is still going.
    await scriptTurns(stack, threadId, [{ tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }] }, { message: 'MSFT trades at the fixture price.', delay_ms: 4_000 }]);
    const runId = await startRun('grace', threadId, 'What does MSFT trade at?');
    const url = eventsUrl(threadId, runId);

    const first = await readSse(url, { 'x-user-id': 'grace' }, { until: (events) => events.some((e) => e.event === 'run.tool_output') });
    expect(first.status).toBe(200);
    const cut = first.events.findIndex((e) => e.event === 'run.tool_output');
    expect(cut).toBeGreaterThanOrEqual(0);
    const seen = first.events.slice(0, cut + 1);
    const lastSeen = seen.at(-1)!.id!;
    // Disconnected before the run ended (the reply is scripted to take 4 s).
    expect(first.ended).toBe(false);
    expect(TERMINAL_RUN_STATUSES).not.toContain((await as('grace').get(`/threads/${threadId}/runs/${runId}`)).body!.status);

    const resumed = await readSse(url, { 'x-user-id': 'grace', 'last-event-id': lastSeen });
    expect(resumed.status).toBe(200);
    expect(resumed.ended).toBe(true);
    const later = resumed.events.slice(0, -1);
    expect(resumed.events.at(-1)).toEqual({ event: 'done', data: '{"status":"completed"}' });
    expect(later.map((e) => Number(e.id))).toEqual(later.map((_, i) => Number(lastSeen) + 1 + i));
    expect(later.map((e) => e.event)).toContain('message.completed');
    expect(later.find((e) => e.event === 'message.completed')!.data).toContain('MSFT trades at the fixture price.');

    // Together they are exactly the whole stream, as a fresh connection sees it now.
    const whole = await readSse(url, { 'x-user-id': 'grace' });
    expect([...seen, ...resumed.events]).toEqual(whole.events);
    // The query parameter (for clients that cannot set headers) resumes the same way.
    const viaQuery = await readSse(`${url}?last_event_id=${lastSeen}`, { 'x-user-id': 'grace' });
    expect(viaQuery.events).toEqual(resumed.events);
    // Resuming after the last event: nothing but done.
    const lastId = later.at(-1)!.id!;
    expect((await readSse(url, { 'x-user-id': 'grace', 'last-event-id': lastId })).events).toEqual([{ event: 'done', data: '{"status":"completed"}' }]);
  }, 120_000);
});

describe('POST …/messages?wait=', () => {
  it('answers 200 with the finished run and its reply when the run finishes in time', async () => {
    const threadId = (await newThread('heidi')).id;
    const answered = await as('heidi').post(`/threads/${threadId}/messages?wait=10`, { content: 'What is 2+2?' });
    expect(answered.status).toBe(200);
    const { run, reply } = answered.body!;
    expect(run).toMatchObject({ id: expect.stringMatching(/^run_/), object: 'thread.run', thread_id: threadId, status: 'completed', required_action: null });
    expect(run.usage.total_tokens).toBeGreaterThan(0);
    expect(reply).toHaveLength(1);
    expect(reply[0]).toMatchObject({ object: 'thread.message', role: 'assistant', run_id: run.id, thread_id: threadId, status: 'completed' });
    expect(textOf(reply[0])).toBe('Echo: What is 2+2?');
    // Location names the run, on the host the caller used.
    const location = answered.headers.get('location')!;
    expect(location).toBe(`${stack.api}/threads/${threadId}/runs/${run.id}`);
    const polled = await request(location, { headers: { 'x-user-id': 'heidi' } });
    expect(polled.status).toBe(200);
    expect(polled.json).toEqual(run);
  }, 60_000);

  it('answers 202 with Location when the run is still going after the wait', async () => {
    const threadId = (await newThread('heidi')).id;
    await scriptTurns(stack, threadId, [{ message: 'Sorry for the wait.', delay_ms: 5_000 }]);
    const startedAt = Date.now();
    const accepted = await as('heidi').post(`/threads/${threadId}/messages?wait=1`, { content: 'Take your time' });
    const elapsed = Date.now() - startedAt;
    expect(accepted.status).toBe(202);
    // It did wait (about a second) before giving up.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(accepted.body).toEqual({ run: { id: expect.stringMatching(/^run_/), status: expect.any(String) }, message_id: expect.stringMatching(/^msg_/) });
    expect(TERMINAL_RUN_STATUSES).not.toContain(accepted.body!.run.status);
    const runId = accepted.body!.run.id;
    const location = accepted.headers.get('location')!;
    expect(location).toBe(`${stack.api}/threads/${threadId}/runs/${runId}`);

    const run = await eventually(async () => {
      const polled = await request(location, { headers: { 'x-user-id': 'heidi' } });
      return polled.json?.status === 'completed' ? polled.json : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(run.id).toBe(runId);
    const messages = (await as('heidi').get(`/threads/${threadId}/messages?order=asc`)).body!.data;
    expect(messages.map((m: Json) => [m.role, textOf(m)])).toEqual([
      ['user', 'Take your time'],
      ['assistant', 'Sorry for the wait.'],
    ]);
    expect(messages[0].id).toBe(accepted.body!.message_id);
  }, 90_000);
});

describe('thread surface', () => {
  it('lists threads newest first in pages, reads one, and deletes one here and upstream', async () => {
    const t1 = await newThread('ivan', { metadata: { topic: 'one' } });
    const t2 = await newThread('ivan', { metadata: { topic: 'two' } });
    const t3 = await newThread('ivan');
    expect(t1).toEqual({ id: expect.stringMatching(/^thread_/), object: 'thread', created_at: expect.any(Number), assistant: 'default', metadata: { topic: 'one' } });

    const page1 = (await as('ivan').get('/threads?limit=2')).body!;
    expect(page1.data.map((t: Json) => t.id)).toEqual([t3.id, t2.id]);
    expect(page1).toMatchObject({ has_more: true, last_id: t2.id });
    const page2 = (await as('ivan').get(`/threads?limit=2&after=${page1.last_id}`)).body!;
    expect(page2.data.map((t: Json) => t.id)).toEqual([t1.id]);
    expect(page2).toMatchObject({ has_more: false, last_id: t1.id });
    expect(page2.data[0]).toEqual(t1);

    const got = await as('ivan').get(`/threads/${t1.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(t1);

    // The upstream object behind each thread (its thread, or its conversation on Responses), found before the ledger forgets it.
    const paths = new Map(await Promise.all([t1.id, t2.id].map(async (id: string) => [id, await stack.upstreamThreadPath(id)] as const)));
    const upstream = (threadId: string) => request(`${stack.assistants.url}${paths.get(threadId)!}`, { headers: { Authorization: 'Bearer x', 'OpenAI-Beta': 'assistants=v2' } });
    expect((await upstream(t2.id)).status).toBe(200);
    const deleted = await as('ivan').delete(`/threads/${t2.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await as('ivan').get(`/threads/${t2.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await as('ivan').delete(`/threads/${t2.id}`)).status).toBe(404);
    expect((await as('ivan').get(`/threads/${t2.id}/messages`)).status).toBe(404);
    expect((await as('ivan').post(`/threads/${t2.id}/messages`, { content: 'anyone?' })).status).toBe(404);
    expect((await as('ivan').get('/threads')).body!.data.map((t: Json) => t.id)).toEqual([t3.id, t1.id]);
    // Gone upstream too; the others are still there.
    const upstreamGone = await upstream(t2.id);
    expect(upstreamGone.status).toBe(404);
    expect(upstreamGone.json.error.message).toContain(paths.get(t2.id)!.split('/').at(-1));
    expect((await upstream(t1.id)).status).toBe(200);
  }, 60_000);

  it("pages a thread's messages and runs with limit, after and order", async () => {
    const threadId = (await newThread('judy')).id;
    const first = await converse('judy', threadId, 'first question');
    const second = await converse('judy', threadId, 'second question');
    const r1 = first.run.id;
    const r2 = second.run.id;

    const all = (await as('judy').get(`/threads/${threadId}/messages`)).body!;
    expect(all.data.map((m: Json) => textOf(m))).toEqual(['Echo: second question', 'second question', 'Echo: first question', 'first question']);
    expect(all.data.map((m: Json) => m.run_id)).toEqual([r2, r2, r1, r1]);
    expect(all).toMatchObject({ has_more: false, last_id: all.data[3].id });

    const asc1 = (await as('judy').get(`/threads/${threadId}/messages?limit=2&order=asc`)).body!;
    expect(asc1.data.map((m: Json) => textOf(m))).toEqual(['first question', 'Echo: first question']);
    expect(asc1).toMatchObject({ has_more: true, last_id: asc1.data[1].id });
    const asc2 = (await as('judy').get(`/threads/${threadId}/messages?limit=2&order=asc&after=${asc1.last_id}`)).body!;
    expect(asc2.data.map((m: Json) => textOf(m))).toEqual(['second question', 'Echo: second question']);
    expect(asc2.has_more).toBe(false);
    const desc = (await as('judy').get(`/threads/${threadId}/messages?limit=3&order=desc`)).body!;
    expect(desc.data.map((m: Json) => m.id)).toEqual(all.data.slice(0, 3).map((m: Json) => m.id));
    expect(desc.has_more).toBe(true);
    const descRest = (await as('judy').get(`/threads/${threadId}/messages?limit=3&order=desc&after=${desc.last_id}`)).body!;
    expect(descRest.data.map((m: Json) => m.id)).toEqual([all.data[3].id]);
    expect(descRest.has_more).toBe(false);
    const ofRun1 = (await as('judy').get(`/threads/${threadId}/messages?run_id=${r1}`)).body!;
    expect(ofRun1.data.map((m: Json) => textOf(m))).toContain('Echo: first question');
    expect(ofRun1.data.every((m: Json) => m.run_id === r1)).toBe(true);

    const runs = (await as('judy').get(`/threads/${threadId}/runs`)).body!;
    expect(runs.data.map((r: Json) => r.id)).toEqual([r2, r1]);
    expect(runs.data.map((r: Json) => r.status)).toEqual(['completed', 'completed']);
    expect(runs.data[1]).toEqual(first.run);
    const runs1 = (await as('judy').get(`/threads/${threadId}/runs?limit=1`)).body!;
    expect(runs1).toMatchObject({ data: [expect.objectContaining({ id: r2 })], has_more: true, last_id: r2 });
    const runs2 = (await as('judy').get(`/threads/${threadId}/runs?limit=1&after=${r2}`)).body!;
    expect(runs2).toMatchObject({ data: [expect.objectContaining({ id: r1 })], has_more: false, last_id: r1 });
  }, 90_000);

  it("summarises a run's steps, in pages", async () => {
    const threadId = (await newThread('judy')).id;
    const { run, reply } = await converse('judy', threadId, call('get_stock_price', { symbol: 'MSFT' }));
    expect(run.tool_calls).toHaveLength(1);

    const steps = (await as('judy').get(`/threads/${threadId}/runs/${run.id}/steps?order=asc`)).body!;
    expect(steps.data).toEqual([
      {
        id: expect.stringMatching(/^step_/),
        object: 'thread.run.step',
        run_id: run.id,
        type: 'tool_calls',
        status: 'completed',
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        message_id: null,
        tool_calls: [{ id: run.tool_calls[0].id, type: 'function', name: 'get_stock_price' }],
      },
      {
        id: expect.stringMatching(/^step_/),
        object: 'thread.run.step',
        run_id: run.id,
        type: 'message_creation',
        status: 'completed',
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        message_id: reply[0].id,
        tool_calls: [],
      },
    ]);
    expect(steps).toMatchObject({ has_more: false, last_id: steps.data[1].id });
    const desc = (await as('judy').get(`/threads/${threadId}/runs/${run.id}/steps`)).body!;
    expect(desc.data.map((s: Json) => s.id)).toEqual([steps.data[1].id, steps.data[0].id]);
    const page1 = (await as('judy').get(`/threads/${threadId}/runs/${run.id}/steps?order=asc&limit=1`)).body!;
    expect(page1).toMatchObject({ data: [expect.objectContaining({ id: steps.data[0].id })], has_more: true, last_id: steps.data[0].id });
    const page2 = (await as('judy').get(`/threads/${threadId}/runs/${run.id}/steps?order=asc&limit=1&after=${page1.last_id}`)).body!;
    expect(page2).toMatchObject({ data: [expect.objectContaining({ id: steps.data[1].id })], has_more: false });
  }, 60_000);
});

describe('CORS (CORS_ALLOWED_ORIGINS=http://app.example)', () => {
  const preflight = (path: string, origin: string, method: string) =>
    request(`${stack.api}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-user-id' } });

  it('accepts preflights from the allowed origin and refuses others', async () => {
    const allowed = await preflight('/threads', ORIGIN, 'POST');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const methods = allowed.headers.get('access-control-allow-methods')!.split(',').map((m) => m.trim());
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST']));
    const requestHeaders = allowed.headers.get('access-control-allow-headers')!.toLowerCase().split(',').map((h) => h.trim());
    expect(requestHeaders).toEqual(expect.arrayContaining(['content-type', 'x-user-id', 'last-event-id']));
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    const events = await preflight('/threads/thread_abc/runs/run_abc/events', ORIGIN, 'GET');
    expect(events.status).toBe(204);
    expect(events.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const refused = await preflight('/threads', 'http://evil.example', 'POST');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    // Origins are compared whole: a look-alike is another origin.
    expect((await preflight('/threads', 'http://app.example.evil.test', 'POST')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/threads', 'https://app.example', 'POST')).headers.get('access-control-allow-origin')).toBeNull();
  }, 30_000);

  it('adds Access-Control-Allow-Origin to responses for the allowed origin only (errors and streams included)', async () => {
    const threadId = (await newThread('kim')).id;
    const runId = (await converse('kim', threadId, 'hi')).run.id;

    const fromApp = await request(`${stack.api}/threads`, { headers: { origin: ORIGIN, 'x-user-id': 'kim' } });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(fromApp.headers.get('access-control-expose-headers')).toMatch(/Location/);
    expect(fromApp.headers.get('vary')).toMatch(/Origin/);

    const fromElsewhere = await request(`${stack.api}/threads`, { headers: { origin: 'http://evil.example', 'x-user-id': 'kim' } });
    expect(fromElsewhere.status).toBe(200);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(fromElsewhere.headers.get('vary')).toMatch(/Origin/);

    const withoutOrigin = await request(`${stack.api}/threads`, { headers: { 'x-user-id': 'kim' } });
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();

    // A browser can read the error of a request it is not allowed to make unauthenticated.
    const unauthorized = await request(`${stack.api}/threads`, { headers: { origin: ORIGIN } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const stream = await readSse(`${stack.api}/threads/${threadId}/runs/${runId}/events`, { origin: ORIGIN, 'x-user-id': 'kim' });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(stream.events.at(-1)?.event).toBe('done');
  }, 60_000);
});

describe('requests no route serves', () => {
  it('answers an unknown path 404 not_found in the error envelope, for any method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await request(`${stack.api}/no/such/route`, { method, headers: { 'x-user-id': 'alice' } });
      expect(response.status, method).toBe(404);
      expect(response.json, method).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      expect(response.headers.get('x-request-id'), method).toBeTruthy();
    }
  });

  it('answers a known path with another method 405 method_not_allowed, naming the methods in Allow', async () => {
    const { id: threadId } = await newThread('alice');
    const cancel = await request(`${stack.api}/threads/${threadId}/runs/run_abc/cancel`, { method: 'GET', headers: { 'x-user-id': 'alice' } });
    expect(cancel.status).toBe(405);
    expect(cancel.json).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining('POST') } });
    expect(cancel.headers.get('allow')).toBe('POST, OPTIONS');

    const thread = await request(`${stack.api}/threads/${threadId}`, { method: 'PUT', headers: { 'x-user-id': 'alice' } });
    expect(thread.status).toBe(405);
    expect(thread.headers.get('allow')).toBe('GET, DELETE, OPTIONS');
  });

  it('asks for an identity first, like every caller route', async () => {
    const response = await request(`${stack.api}/no/such/route`);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('x-user-id') } });
  });
});
