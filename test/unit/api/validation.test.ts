// Malformed input never reaches a handler: every route answers 4xx `{error:{code,message}}`
// naming the bad field, and the handler (hence any upstream call) is never invoked.
import { describe, expect, it } from 'vitest';
import { routeSpecs } from '../../../src/api/routes';
import { bindRoute, type RouteSpec } from '../../../src/api/route';
import { json } from '../../../src/api/results';
import { MAX_TOOL_OUTPUT_CHARS } from '../../../src/store/ledger/limits';
import { devConfig, errorOf, invoke, spyRoute, type Call } from './support';

// The maintenance route needs the admin key, in dev mode too.
const ADMIN_KEY = 'validation-admin-key';
const config = devConfig({ ADMIN_KEY });
const user = { 'x-user-id': 'alice@example.com', 'x-functions-key': ADMIN_KEY };
const long = (n: number, ch = 'a') => ch.repeat(n);
const metadataPairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const attachment = { file_id: 'file-abc123', tools: [{ type: 'file_search' }] };
const toolOutput = (i: number) => ({ tool_call_id: `call_${i}`, output: 'ok' });

interface Case {
  name: string;
  call: Partial<Call>;
  status: number;
  code: string;
  /** Substrings the message must contain (field names, reasons). */
  mentions: string[];
}

interface RouteTable {
  spec: RouteSpec;
  valid: Call;
  cases: Case[];
}

const tables: RouteTable[] = [
  {
    spec: routeSpecs.createThread,
    valid: { path: '/threads', json: { assistant: 'default', metadata: { topic: 'banks' } } },
    cases: [
      { name: 'bad assistant key', call: { json: { assistant: 'Not A Key' } }, status: 400, code: 'validation_failed', mentions: ['body.assistant'] },
      { name: '17 metadata pairs', call: { json: { metadata: metadataPairs(17) } }, status: 400, code: 'validation_failed', mentions: ['body.metadata', 'at most 16'] },
      { name: 'metadata key of 65 chars', call: { json: { metadata: { [long(65)]: 'v' } } }, status: 400, code: 'validation_failed', mentions: ['body.metadata', '<=64'] },
      { name: 'metadata value of 513 chars', call: { json: { metadata: { k: long(513) } } }, status: 400, code: 'validation_failed', mentions: ['body.metadata.k', '<=512'] },
      { name: 'metadata value not a string', call: { json: { metadata: { k: 1 } } }, status: 400, code: 'validation_failed', mentions: ['body.metadata.k'] },
      { name: 'unknown field', call: { json: { assitant: 'default' } }, status: 400, code: 'validation_failed', mentions: ['assitant'] },
      { name: 'body not an object', call: { json: ['default'] }, status: 400, code: 'validation_failed', mentions: ['body'] },
      { name: 'malformed JSON', call: { body: '{"assistant": ', headers: { 'content-type': 'application/json' } }, status: 400, code: 'invalid_json', mentions: ['not valid JSON'] },
      { name: 'invalid UTF-8', call: { body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } }, status: 400, code: 'invalid_json', mentions: ['UTF-8'] },
      { name: 'text/plain body', call: { body: '{}', headers: { 'content-type': 'text/plain' } }, status: 415, code: 'unsupported_media_type', mentions: ['application/json'] },
      { name: 'form-encoded body', call: { body: 'assistant=default', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, code: 'unsupported_media_type', mentions: ['application/json'] },
      { name: 'JSON without content type', call: { body: '{}', headers: {} }, status: 415, code: 'unsupported_media_type', mentions: ['application/json'] },
      { name: 'oversized body', call: { json: { metadata: { k: long(70_000) } } }, status: 413, code: 'payload_too_large', mentions: ['65536'] },
      { name: 'declared Content-Length over the limit', call: { body: '{}', headers: { 'content-type': 'application/json', 'content-length': '999999' } }, status: 413, code: 'payload_too_large', mentions: ['65536'] },
    ],
  },
  {
    spec: routeSpecs.listThreads,
    valid: { path: '/threads?limit=5' },
    cases: [
      { name: 'limit 0', call: { path: '/threads?limit=0' }, status: 400, code: 'validation_failed', mentions: ['query.limit', '>=1'] },
      { name: 'limit 101', call: { path: '/threads?limit=101' }, status: 400, code: 'validation_failed', mentions: ['query.limit', '<=100'] },
      { name: 'limit not a number', call: { path: '/threads?limit=ten' }, status: 400, code: 'validation_failed', mentions: ['query.limit'] },
      { name: 'fractional limit', call: { path: '/threads?limit=2.5' }, status: 400, code: 'validation_failed', mentions: ['query.limit'] },
      { name: 'bad cursor', call: { path: '/threads?after=x%20y' }, status: 400, code: 'validation_failed', mentions: ['query.after'] },
    ],
  },
  {
    spec: routeSpecs.getThread,
    valid: { path: '/threads/thread_abc123' },
    cases: [
      { name: 'wrong prefix', call: { path: '/threads/run_abc123' }, status: 400, code: 'validation_failed', mentions: ['params.threadId', 'thread_abc123'] },
      { name: 'empty suffix', call: { path: '/threads/thread_' }, status: 400, code: 'validation_failed', mentions: ['params.threadId'] },
      { name: 'punctuation', call: { path: '/threads/thread_ab-c' }, status: 400, code: 'validation_failed', mentions: ['params.threadId'] },
      { name: 'too long', call: { path: `/threads/thread_${long(65)}` }, status: 400, code: 'validation_failed', mentions: ['params.threadId'] },
    ],
  },
  {
    spec: routeSpecs.deleteThread,
    valid: { path: '/threads/thread_abc123' },
    cases: [{ name: 'bad id', call: { path: '/threads/..' }, status: 400, code: 'validation_failed', mentions: ['params.threadId'] }],
  },
  {
    spec: routeSpecs.postMessage,
    valid: { path: '/threads/thread_abc123/messages?wait=10', json: { content: 'Which banks failed in 2008?', attachments: [attachment], metadata: { a: 'b' } } },
    cases: [
      { name: 'content too long', call: { json: { content: long(256_001) } }, status: 400, code: 'validation_failed', mentions: ['body.content: Too big: expected string to have <=256000 characters'] },
      { name: 'empty content', call: { json: { content: '' } }, status: 400, code: 'validation_failed', mentions: ['body.content'] },
      { name: 'blank content', call: { json: { content: ' \n\t ' } }, status: 400, code: 'validation_failed', mentions: ['body.content', 'blank'] },
      { name: 'missing content', call: { json: { assistant: 'default' } }, status: 400, code: 'validation_failed', mentions: ['body.content'] },
      { name: 'content not a string', call: { json: { content: 42 } }, status: 400, code: 'validation_failed', mentions: ['body.content'] },
      { name: '11 attachments', call: { json: { content: 'hi', attachments: Array(11).fill(attachment) } }, status: 400, code: 'validation_failed', mentions: ['body.attachments', '<=10'] },
      { name: 'attachment with bad file id', call: { json: { content: 'hi', attachments: [{ ...attachment, file_id: 'file_abc' }] } }, status: 400, code: 'validation_failed', mentions: ['body.attachments[0].file_id'] },
      { name: 'attachment with unknown tool', call: { json: { content: 'hi', attachments: [{ file_id: 'file-abc', tools: [{ type: 'browser' }] }] } }, status: 400, code: 'validation_failed', mentions: ['body.attachments[0].tools[0].type'] },
      { name: 'attachment without tools', call: { json: { content: 'hi', attachments: [{ file_id: 'file-abc', tools: [] }] } }, status: 400, code: 'validation_failed', mentions: ['body.attachments[0].tools'] },
      { name: '17 metadata pairs', call: { json: { content: 'hi', metadata: metadataPairs(17) } }, status: 400, code: 'validation_failed', mentions: ['body.metadata'] },
      { name: 'wait -1', call: { path: '/threads/thread_abc123/messages?wait=-1' }, status: 400, code: 'validation_failed', mentions: ['query.wait', '>=0'] },
      { name: 'wait 231', call: { path: '/threads/thread_abc123/messages?wait=231' }, status: 400, code: 'validation_failed', mentions: ['query.wait', '<=230'] },
      { name: 'wait fractional', call: { path: '/threads/thread_abc123/messages?wait=1.5' }, status: 400, code: 'validation_failed', mentions: ['query.wait'] },
      { name: 'wait not a number', call: { path: '/threads/thread_abc123/messages?wait=soon' }, status: 400, code: 'validation_failed', mentions: ['query.wait'] },
      { name: 'bad thread id', call: { path: '/threads/thread-abc/messages' }, status: 400, code: 'validation_failed', mentions: ['params.threadId'] },
      { name: 'malformed JSON', call: { body: "{content:'hi'}", headers: { 'content-type': 'application/json' } }, status: 400, code: 'invalid_json', mentions: ['JSON'] },
      { name: 'wrong content type', call: { body: 'hi', headers: { 'content-type': 'text/plain' } }, status: 415, code: 'unsupported_media_type', mentions: ['application/json'] },
      { name: 'empty body', call: { body: '', headers: { 'content-type': 'application/json' } }, status: 400, code: 'validation_failed', mentions: ['body'] },
      { name: 'body over 1.2 MiB', call: { json: { content: 'hi', pad: long(1_300_000) } }, status: 413, code: 'payload_too_large', mentions: ['bytes'] },
    ],
  },
  {
    spec: routeSpecs.listMessages,
    valid: { path: '/threads/thread_abc123/messages?order=asc&run_id=run_abc&limit=100' },
    cases: [
      { name: 'bad order', call: { path: '/threads/thread_abc123/messages?order=sideways' }, status: 400, code: 'validation_failed', mentions: ['query.order'] },
      { name: 'bad run id', call: { path: '/threads/thread_abc123/messages?run_id=thread_abc' }, status: 400, code: 'validation_failed', mentions: ['query.run_id'] },
      { name: 'limit 1000', call: { path: '/threads/thread_abc123/messages?limit=1000' }, status: 400, code: 'validation_failed', mentions: ['query.limit'] },
    ],
  },
  {
    spec: routeSpecs.listRuns,
    valid: { path: '/threads/thread_abc123/runs?after=run_abc' },
    cases: [{ name: 'limit empty', call: { path: '/threads/thread_abc123/runs?limit=' }, status: 400, code: 'validation_failed', mentions: ['query.limit'] }],
  },
  {
    spec: routeSpecs.getRun,
    valid: { path: '/threads/thread_abc123/runs/run_abc123' },
    cases: [
      { name: 'bad run id', call: { path: '/threads/thread_abc123/runs/run-1' }, status: 400, code: 'validation_failed', mentions: ['params.runId'] },
      { name: 'both ids bad', call: { path: '/threads/t/runs/r' }, status: 400, code: 'validation_failed', mentions: ['params.threadId', 'params.runId'] },
    ],
  },
  {
    spec: routeSpecs.listRunSteps,
    valid: { path: '/threads/thread_abc123/runs/run_abc123/steps?order=desc' },
    cases: [{ name: 'bad order', call: { path: '/threads/thread_abc123/runs/run_abc123/steps?order=random' }, status: 400, code: 'validation_failed', mentions: ['query.order'] }],
  },
  {
    spec: routeSpecs.cancelRun,
    valid: { path: '/threads/thread_abc123/runs/run_abc123/cancel' },
    cases: [{ name: 'bad run id', call: { path: '/threads/thread_abc123/runs/abc/cancel' }, status: 400, code: 'validation_failed', mentions: ['params.runId'] }],
  },
  {
    spec: routeSpecs.submitToolOutputs,
    valid: { path: '/threads/thread_abc123/runs/run_abc123/tool_outputs', json: { tool_outputs: [toolOutput(1), toolOutput(2)] } },
    cases: [
      { name: 'no outputs', call: { json: { tool_outputs: [] } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs', '>=1'] },
      { name: '129 outputs', call: { json: { tool_outputs: Array.from({ length: 129 }, (_, i) => toolOutput(i)) } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs', '<=128'] },
      { name: 'output over the ledger limit', call: { json: { tool_outputs: [{ tool_call_id: 'call_1', output: long(MAX_TOOL_OUTPUT_CHARS + 1) }] } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs[0].output', `<=${MAX_TOOL_OUTPUT_CHARS}`] },
      { name: 'bad tool call id', call: { json: { tool_outputs: [{ tool_call_id: 'call-1', output: 'x' }] } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs[0].tool_call_id'] },
      { name: 'duplicate tool call ids', call: { json: { tool_outputs: [toolOutput(1), toolOutput(1)] } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs', 'once'] },
      { name: 'output not a string', call: { json: { tool_outputs: [{ tool_call_id: 'call_1', output: { price: 1 } }] } }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs[0].output'] },
      { name: 'missing tool_outputs', call: { json: {} }, status: 400, code: 'validation_failed', mentions: ['body.tool_outputs'] },
    ],
  },
  {
    spec: routeSpecs.runEvents,
    valid: { path: '/threads/thread_abc123/runs/run_abc123/events?last_event_id=42', headers: { 'last-event-id': '43' } },
    cases: [
      { name: 'bad last_event_id', call: { path: '/threads/thread_abc123/runs/run_abc123/events?last_event_id=a%0Ab', headers: {} }, status: 400, code: 'validation_failed', mentions: ['query.last_event_id'] },
      { name: 'bad Last-Event-ID header', call: { headers: { 'last-event-id': long(129, '1') } }, status: 400, code: 'validation_failed', mentions: ['headers.last-event-id'] },
      // Ids are sequence numbers: anything else would silently replay the stream from the start.
      { name: 'non-numeric Last-Event-ID header', call: { headers: { 'last-event-id': 'abc' } }, status: 400, code: 'validation_failed', mentions: ['headers.last-event-id'] },
    ],
  },
  {
    spec: routeSpecs.getFile,
    valid: { path: '/files/assistant-Abc_12-3' },
    cases: [
      { name: 'underscore instead of hyphen', call: { path: '/files/file_abc' }, status: 400, code: 'validation_failed', mentions: ['params.fileId'] },
      { name: 'unknown prefix', call: { path: '/files/blob-abc' }, status: 400, code: 'validation_failed', mentions: ['params.fileId'] },
    ],
  },
  {
    spec: routeSpecs.getFileContent,
    valid: { path: '/files/file-abc123/content' },
    cases: [{ name: 'bad id', call: { path: '/files/file-/content' }, status: 400, code: 'validation_failed', mentions: ['params.fileId'] }],
  },
  {
    spec: routeSpecs.runSweep,
    valid: { path: '/maintenance/sweep?dry_run=true' },
    cases: [{ name: 'dry_run not a boolean', call: { path: '/maintenance/sweep?dry_run=perhaps' }, status: 400, code: 'validation_failed', mentions: ['query.dry_run'] }],
  },
];

describe.each(tables)('$spec.name', ({ spec, valid, cases }) => {
  it('accepts the valid request', async () => {
    const { route, handler } = spyRoute(spec);
    const result = await invoke(route, { ...valid, headers: { ...user, ...valid.headers } }, config);
    expect(result.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it.each(cases)('$name → $status $code', async ({ call, status, code, mentions }) => {
    const { route, handler } = spyRoute(spec);
    const merged: Call = { ...valid, ...call, headers: { ...user, ...(call.headers ?? valid.headers) } };
    if ('body' in call) delete merged.json;
    const result = await invoke(route, merged, config);
    expect(result.status).toBe(status);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    const error = errorOf(result);
    expect(error.code).toBe(code);
    for (const text of mentions) expect(error.message).toContain(text);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('validated input reaches the handler typed', () => {
  it('types params, query and user from the spec', async () => {
    // Compiles only if params/query are typed from the schemas and user is non-null on identity 'required'.
    const route = bindRoute(routeSpecs.listMessages, async ({ params, query, user }) =>
      json(200, { thread: params.threadId.toUpperCase(), limit: query.limit + 1, order: query.order, user: user.userId }),
    );
    const result = await invoke(route, { path: '/threads/thread_abc/messages?limit=4', headers: user }, config);
    expect(result.body).toEqual({ thread: 'THREAD_ABC', limit: 5, order: 'desc', user: 'alice@example.com' });
  });

  it('applies defaults and coercions', async () => {
    const { route, handler } = spyRoute(routeSpecs.postMessage);
    await invoke(route, { path: '/threads/thread_abc123/messages', json: { content: 'hi' }, headers: user }, config);
    expect(handler.mock.calls[0]![0]).toMatchObject({ params: { threadId: 'thread_abc123' }, query: { wait: 0 }, body: { content: 'hi' }, user: { userId: 'alice@example.com' } });
  });

  it('coerces pagination and booleans', async () => {
    const threads = spyRoute(routeSpecs.listThreads);
    await invoke(threads.route, { path: '/threads', headers: user }, config);
    expect(threads.handler.mock.calls[0]![0]).toMatchObject({ query: { limit: 20 } });
    const sweep = spyRoute(routeSpecs.runSweep);
    await invoke(sweep.route, { path: '/maintenance/sweep?dry_run=false', headers: user }, config);
    expect(sweep.handler.mock.calls[0]![0]).toMatchObject({ query: { dry_run: false } });
  });

  it('treats an empty POST /threads as {}', async () => {
    const { route, handler } = spyRoute(routeSpecs.createThread);
    const result = await invoke(route, { path: '/threads', headers: user }, config);
    expect(result.status).toBe(200);
    expect(handler.mock.calls[0]![0]).toMatchObject({ body: {} });
  });

  it('accepts 256,000 characters of content, 16 metadata pairs and 10 attachments', async () => {
    const { route, handler } = spyRoute(routeSpecs.postMessage);
    const body = { content: long(256_000, 'é'), metadata: metadataPairs(16), attachments: Array(10).fill(attachment) };
    const result = await invoke(route, { path: '/threads/thread_abc123/messages?wait=230', json: body, headers: user }, config);
    expect(result.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('names every bad field of every part in one message', async () => {
    const { route, handler } = spyRoute(routeSpecs.postMessage);
    const result = await invoke(route, { path: '/threads/bad/messages?wait=99999', json: { content: '', attachments: [{ file_id: 'x', tools: [] }] }, headers: user }, config);
    const { message } = errorOf(result);
    for (const field of ['params.threadId', 'query.wait', 'body.content', 'body.attachments[0].file_id', 'body.attachments[0].tools']) expect(message).toContain(field);
    expect(handler).not.toHaveBeenCalled();
  });

  it('ignores unknown query parameters such as the function key', async () => {
    const { route, handler } = spyRoute(routeSpecs.listThreads);
    const result = await invoke(route, { path: '/threads?code=secret&_=123', headers: user }, config);
    expect(result.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
