// The Responses contract checker itself: it must reject what the Responses spec rejects (unknown fields
// in allOf-composed objects, wrong stream events, sequence numbers out of order), or the suites prove nothing.
import { describe, expect, it } from 'vitest';
import { ContractChecker, type Recorded } from '../support/contract';

const checker = new ContractChecker('responses');
const base = 'http://127.0.0.1:1';

const response = {
  id: 'resp_a',
  object: 'response',
  created_at: 1,
  status: 'completed',
  background: false,
  completed_at: 2,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: 'gpt-4o',
  output: [{ id: 'msg_a', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi', annotations: [], logprobs: [] }] }],
  parallel_tool_calls: true,
  previous_response_id: null,
  temperature: 1,
  tool_choice: 'auto',
  tools: [],
  top_p: 1,
  truncation: 'disabled',
  metadata: {},
  conversation: null,
  usage: { input_tokens: 1, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2 },
};

const json = (method: string, path: string, body: unknown, status = 200): Recorded => ({
  method,
  url: `${base}${path}`,
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

const sse = (events: object[]): Recorded => ({
  method: 'POST',
  url: `${base}/v1/responses`,
  status: 200,
  contentType: 'text/event-stream; charset=utf-8',
  body: events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(''),
});

describe('Responses contract checker', () => {
  it('accepts a conforming response in every URL style and rejects unknown or mistyped fields', () => {
    for (const prefix of ['/v1', '/openai/v1', '/api/projects/p/openai/v1']) expect(checker.check(json('GET', `${prefix}/responses/resp_a`, response))).toEqual([]);
    expect(checker.check(json('GET', '/v1/responses/resp_a', { ...response, surprise: 1 })).length).toBeGreaterThan(0);
    expect(checker.check(json('GET', '/v1/responses/resp_a', { ...response, status: 'done' })).length).toBeGreaterThan(0);
    expect(checker.check(json('GET', '/v1/responses/resp_a', { ...response, output: [{ ...response.output[0], extra: true }] })).length).toBeGreaterThan(0);
    expect(checker.check(json('GET', '/v1/responses/resp_a', { error: { message: 'x', type: 'invalid_request_error', param: null, code: null } }, 404))).toEqual([]);
    expect(checker.check(json('GET', '/v1/responses/resp_a', { error: { message: 'x' } }, 404)).length).toBeGreaterThan(0);
  });

  it('checks stream events by type and their sequence numbers', () => {
    const created = { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress' } };
    const completed = { type: 'response.completed', sequence_number: 1, response };
    expect(checker.check(sse([created, completed]))).toEqual([]);
    expect(checker.check(sse([created, { ...completed, sequence_number: 0 }])).map((f) => f.problem)).toEqual([expect.stringContaining('sequence_number')]);
    expect(checker.check(sse([created, { type: 'response.finished', sequence_number: 1 }])).map((f) => f.problem)).toEqual(['unknown event response.finished']);
    expect(checker.check(sse([{ type: 'response.output_text.delta', sequence_number: 0, item_id: 'm', output_index: 0, content_index: 0, delta: 'x' }])).length).toBeGreaterThan(0);
  });
});
