// The contract checker itself: it must reject what the spec rejects, or the suites' afterAll proves nothing.
import { describe, expect, it } from 'vitest';
import { ContractChecker, toJsonSchema, type Recorded } from './support/contract';

const checker = new ContractChecker();
const base = 'http://127.0.0.1:1';

const run = {
  id: 'run_a',
  object: 'thread.run',
  created_at: 1,
  thread_id: 'thread_a',
  assistant_id: 'asst_a',
  status: 'queued',
  required_action: null,
  last_error: null,
  expires_at: 601,
  started_at: null,
  cancelled_at: null,
  failed_at: null,
  completed_at: null,
  incomplete_details: null,
  model: 'gpt-4o',
  instructions: '',
  tools: [],
  metadata: {},
  usage: null,
  temperature: 1,
  top_p: 1,
  max_prompt_tokens: null,
  max_completion_tokens: null,
  truncation_strategy: { type: 'auto', last_messages: null },
  tool_choice: 'auto',
  parallel_tool_calls: true,
  response_format: 'auto',
};

const json = (method: string, path: string, body: unknown, status = 200): Recorded => ({
  method,
  url: `${base}${path}`,
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

describe('contract checker', () => {
  it('accepts a conforming run in every URL style', () => {
    expect(checker.check(json('GET', '/v1/threads/thread_a/runs/run_a', run))).toEqual([]);
    expect(checker.check(json('GET', '/openai/threads/thread_a/runs/run_a?api-version=x', run))).toEqual([]);
    expect(checker.check(json('GET', '/api/projects/p/threads/thread_a/runs/run_a?api-version=v1', run))).toEqual([]);
  });

  it('rejects a missing required field, a wrong enum, a non-nullable null and an unknown field', () => {
    const { status: _status, ...noStatus } = run;
    expect(checker.check(json('GET', '/v1/threads/t/runs/r', noStatus))).not.toEqual([]);
    expect(checker.check(json('GET', '/v1/threads/t/runs/r', { ...run, status: 'done' }))).not.toEqual([]);
    expect(checker.check(json('GET', '/v1/threads/t/runs/r', { ...run, model: null }))).not.toEqual([]);
    expect(checker.check(json('GET', '/v1/threads/t/runs/r', { ...run, extra_field: 1 }))).not.toEqual([]);
  });

  it('validates error bodies against ErrorResponse and lists against their page schema', () => {
    expect(checker.check(json('GET', '/v1/assistants/x', { error: { message: 'm', type: 't', param: null, code: null } }, 404))).toEqual([]);
    expect(checker.check(json('GET', '/v1/assistants/x', { error: { message: 'm' } }, 404))).not.toEqual([]);
    const empty = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
    expect(checker.check(json('GET', '/v1/assistants', empty))).toEqual([]);
    expect(checker.check(json('GET', '/v1/threads/t/runs', { ...empty, data: [run] }))).not.toEqual([]);
  });

  it('fails successful requests no operation describes, and streams that do not end with done', () => {
    expect(checker.check(json('GET', '/v1/unknown', {}))).not.toEqual([]);
    const stream = (text: string): Recorded => ({ method: 'POST', url: `${base}/v1/threads/t/runs`, status: 200, contentType: 'text/event-stream', body: text });
    const created = `event: thread.run.created\ndata: ${JSON.stringify(run)}\n\n`;
    expect(checker.check(stream(`${created}event: done\ndata: [DONE]\n\n`))).toEqual([]);
    expect(checker.check(stream(created))).not.toEqual([]);
    expect(checker.check(stream(`event: thread.run.created\ndata: ${JSON.stringify({ ...run, status: 'x' })}\n\nevent: done\ndata: [DONE]\n\n`))).not.toEqual([]);
  });

  it('converts OpenAPI 3.0 nullable forms to JSON-Schema nulls', () => {
    expect(toJsonSchema({ type: 'string', nullable: true }, false)).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ $ref: '#/x', nullable: true }, false)).toEqual({ anyOf: [{ $ref: '#/x' }, { type: 'null' }] });
    expect(toJsonSchema({ allOf: [{ $ref: '#/x' }, { nullable: true }] }, false)).toEqual({ anyOf: [{ allOf: [{ $ref: '#/x' }] }, { type: 'null' }] });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true }, false)).toEqual({ type: ['string', 'null'], enum: ['a', null] });
  });
});
