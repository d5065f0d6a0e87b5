// Limits, failures and errors of the Responses protocol through the SDK in all three URL styles:
// max_output_tokens, incomplete and failing turns (plain and streamed), metadata limits, truncation,
// request validation in the service's wording, and credentials.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../fixtures';
import { useResponsesServer } from './support';

const h = useResponsesServer();

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('ends incomplete at max_output_tokens, with the text cut short', async () => {
    const c = client();
    const long = 'word '.repeat(200).trim();
    const response = await c.responses.create({ model: 'gpt-4o', input: long, max_output_tokens: 16 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.max_output_tokens).toBe(16);
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message.status).toBe('incomplete');
    expect(response.output_text).toBe(`Echo: ${long}`.slice(0, 64));
    expect(response.usage!.output_tokens).toBeLessThanOrEqual(16);
    expect(response.completed_at).toBeNull();
    const tooSmall = await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', max_output_tokens: 4 }));
    expect(tooSmall).toMatchObject({ status: 400, param: 'max_output_tokens', code: 'integer_below_min_value' });
  });

  it('ends incomplete or failed as scripted, and streams response.incomplete / response.failed', async () => {
    const c = client();
    const conversation = await c.conversations.create();
    await h.admin.script({
      conversation_id: conversation.id,
      turns: [{ incomplete: { reason: 'max_completion_tokens' }, message: 'Cut' }, { fail: { code: 'rate_limit_exceeded', message: 'Slow down.' } }, { fail: { code: 'server_error', message: 'Boom.' } }],
    });
    const incomplete = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'a' });
    expect(incomplete).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(incomplete.output_text).toBe('Cut');
    const failed = await c.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'b' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Slow down.' }, output: [] });
    const stream = c.responses.stream({ model: 'gpt-4o', conversation: conversation.id, input: 'c' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect((await stream.finalResponse()).error).toEqual({ code: 'server_error', message: 'Boom.' });
  });

  it('enforces metadata limits', async () => {
    const c = client();
    const many = Object.fromEntries(Array.from({ length: 17 }, (_v, i) => [`k${i}`, 'v']));
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', metadata: many }))).toMatchObject({ status: 400, param: 'metadata', code: 'object_above_max_properties' });
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', metadata: { ['k'.repeat(65)]: 'v' } }))).toMatchObject({ status: 400, code: 'metadata_key_too_long' });
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', metadata: { k: 'v'.repeat(513) } }))).toMatchObject({ status: 400, code: 'string_above_max_length' });
    const ok = await c.responses.create({ model: 'gpt-4o', input: 'x', metadata: Object.fromEntries(Array.from({ length: 16 }, (_v, i) => [`k${i}`, 'v'])) });
    expect(Object.keys(ok.metadata!)).toHaveLength(16);
  });

  it('refuses a context over the window unless truncation is auto', async () => {
    const c = client();
    const huge = 'x'.repeat(128_000 * 4 + 100);
    const refused = await errorOf(c.responses.create({ model: 'gpt-4o', input: huge }));
    expect(refused).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input', message: 'Your input exceeds the context window of this model. Please adjust your input and try again.' });
    const first = await c.responses.create({ model: 'gpt-4o', input: huge, truncation: 'auto' });
    expect(first.truncation).toBe('auto');
    const next = await c.responses.create({ model: 'gpt-4o', previous_response_id: first.id, input: 'short question', truncation: 'auto' });
    expect(next.output_text).toBe('Echo: short question');
    expect(next.usage!.input_tokens).toBeLessThan(128_000);
  });

  it('words request errors like the service', async () => {
    const c = client();
    expect(await errorOf(c.responses.create({ input: 'x' } as never))).toMatchObject({ status: 400, param: 'model', code: 'missing_required_parameter', message: "Missing required parameter: 'model'." });
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', surprise: true } as never))).toMatchObject({ status: 400, param: 'surprise', code: 'unknown_parameter' });
    expect(await errorOf(c.responses.create({ model: 'gpt-4o', input: 'x', temperature: 3 }))).toMatchObject({ status: 400, param: 'temperature', code: 'decimal_above_max_value' });
    expect(await errorOf(c.responses.retrieve('resp_nope'))).toMatchObject({ status: 404, type: 'invalid_request_error', param: null, code: null, message: "Response with id 'resp_nope' not found." });
    expect(await errorOf(c.conversations.retrieve('conv_nope'))).toMatchObject({ status: 404, message: "Conversation with id 'conv_nope' not found." });
  });
});

describe('credentials', () => {
  it('needs credentials in every style but no api-version on the v1 paths', async () => {
    const raw = (path: string, headers: Record<string, string> = {}) =>
      h.fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'gpt-4o', input: 'hi' }) });
    expect((await raw('/v1/responses')).status).toBe(401);
    expect((await raw('/openai/v1/responses')).status).toBe(401);
    expect((await raw('/api/projects/p/openai/v1/responses', { 'api-key': 'key' })).status).toBe(401);
    expect((await raw('/openai/v1/responses', { 'api-key': 'key' })).status).toBe(200);
    const azureBearer = new OpenAI({ baseURL: `${h.url}/openai/v1`, apiKey: 'entra-token', fetch: h.fetch, maxRetries: 0 });
    expect((await azureBearer.responses.create({ model: 'gpt-4o', input: 'bearer' })).output_text).toBe('Echo: bearer');
  });
});
