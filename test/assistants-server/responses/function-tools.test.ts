// Function tools through the SDK in all three URL styles: `/call` lines become function_call items,
// function_call_output answers them (via previous_response_id or a conversation), parallel calls,
// tool_choice, and the errors for unknown or unanswered call ids.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../fixtures';
import { collapse, sendEmail, stockPrice, useResponsesServer } from './support';

const h = useResponsesServer();

const CALL = '/call send_email {"to":"ada@example.com","subject":"Hello"}';
const calls = (r: OpenAI.Responses.Response) => r.output.filter((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('makes a function call and quotes the output given with previous_response_id', async () => {
    const c = client();
    const first = await c.responses.create({ model: 'gpt-4o', instructions: 'Help with email.', input: CALL, tools: [sendEmail] });
    expect(first.status).toBe('completed');
    expect(first.tools).toEqual([sendEmail]);
    const [call] = calls(first);
    expect(call).toMatchObject({ type: 'function_call', name: 'send_email', arguments: '{"to":"ada@example.com","subject":"Hello"}', status: 'completed' });
    expect(call!.id).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(call!.call_id).toMatch(/^call_[A-Za-z0-9]{24}$/);

    const second = await c.responses.create({
      model: 'gpt-4o',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call!.call_id, output: '{"sent":true}' }],
      tools: [sendEmail],
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe('send_email returned: {"sent":true}');
    expect(second.instructions).toBeNull();
    const items = await c.responses.inputItems.list(second.id, { order: 'asc' });
    expect(items.data).toMatchObject([{ type: 'function_call_output', call_id: call!.call_id, output: '{"sent":true}' }]);

    const third = await c.responses.create({ model: 'gpt-4o', previous_response_id: second.id, input: 'And now?' });
    expect(third.output_text).toBe('Echo: And now?');
  });

  it('streams function call arguments', async () => {
    const c = client();
    const stream = c.responses.stream({ model: 'gpt-4o', input: CALL, tools: [sendEmail] });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(collapse(events.map((e) => e.type))).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = events.find((e): e is OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent => e.type === 'response.function_call_arguments.done')!;
    expect(done).toMatchObject({ name: 'send_email', arguments: '{"to":"ada@example.com","subject":"Hello"}' });
    const deltas = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe(done.arguments);
    const final = await stream.finalResponse();
    expect(calls(final)).toHaveLength(1);
  });

  it('makes parallel calls, one call with parallel_tool_calls off, and none with tool_choice none', async () => {
    const c = client();
    const input = `${CALL}\n/call get_stock_price {"symbol":"MSFT"}`;
    const parallel = await c.responses.create({ model: 'gpt-4o', input, tools: [sendEmail, stockPrice] });
    expect(calls(parallel).map((f) => f.name)).toEqual(['send_email', 'get_stock_price']);
    const answered = await c.responses.create({
      model: 'gpt-4o',
      previous_response_id: parallel.id,
      tools: [sendEmail, stockPrice],
      input: calls(parallel).map((f, i) => ({ type: 'function_call_output' as const, call_id: f.call_id, output: `out${i}` })),
    });
    expect(answered.output_text).toBe('send_email returned: out0\nget_stock_price returned: out1');

    const single = await c.responses.create({ model: 'gpt-4o', input, tools: [sendEmail, stockPrice], parallel_tool_calls: false });
    expect(calls(single).map((f) => f.name)).toEqual(['send_email']);
    expect(single.parallel_tool_calls).toBe(false);

    const none = await c.responses.create({ model: 'gpt-4o', input, tools: [sendEmail, stockPrice], tool_choice: 'none' });
    expect(calls(none)).toEqual([]);
    expect(none.output_text).toBe(`Echo: ${input}`);

    const forced = await c.responses.create({ model: 'gpt-4o', input: 'What is MSFT at?', tools: [sendEmail, stockPrice], tool_choice: { type: 'function', name: 'get_stock_price' } });
    expect(calls(forced).map((f) => [f.name, f.arguments])).toEqual([['get_stock_price', '{}']]);
    const required = await c.responses.create({ model: 'gpt-4o', input: 'Anything', tools: [stockPrice], tool_choice: 'required' });
    expect(calls(required).map((f) => f.name)).toEqual(['get_stock_price']);
    const badChoice = await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', tools: [sendEmail], tool_choice: { type: 'function', name: 'nope' } }));
    expect(badChoice).toMatchObject({ status: 400, param: 'tool_choice' });
  });

  it('rejects unknown call ids, unanswered calls and previous_response_id with conversation', async () => {
    const c = client();
    const first = await c.responses.create({ model: 'gpt-4o', input: CALL, tools: [sendEmail] });
    const unknown = await errorOf(
      c.responses.create({ model: 'gpt-4o', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: 'call_unknown', output: 'x' }] }),
    );
    expect(unknown).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input', message: 'No tool call found for function call output with call_id call_unknown.' });
    const unanswered = await errorOf(c.responses.create({ model: 'gpt-4o', previous_response_id: first.id, input: 'ignore the call' }));
    expect(unanswered).toMatchObject({ status: 400, message: `No tool output found for function call ${calls(first)[0]!.call_id}.` });
    const conversation = await c.conversations.create();
    const both = await errorOf(c.responses.create({ model: 'gpt-4o', previous_response_id: first.id, conversation: conversation.id, input: 'x' }));
    expect(both).toMatchObject({ status: 400, message: "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'." });
    const missing = await errorOf(c.responses.create({ model: 'gpt-4o', previous_response_id: 'resp_nope', input: 'x' }));
    expect(missing).toMatchObject({ status: 404, param: 'previous_response_id' });
  });
});
