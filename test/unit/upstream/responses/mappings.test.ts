// The Responses adapter's pure mappings: response → run state (requires_action from function calls, the
// app-enforced expiry), message items → the Assistants Message shape (container citations → file_path and
// image_file), output items → steps, ids into the API's shapes, the chain claim decision, and the resolver.
import type { Message as ConversationMessage } from 'openai/resources/conversations/conversations';
import type { Response, ResponseOutputMessage } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { ID_PATTERNS } from '../../../../src/api/schemas/ids';
import { assistantDefinitionSchema } from '../../../../src/assistants';
import { createDefinitionResolver } from '../../../../src/upstream/responses/assistants';
import { chainClaimOutcome } from '../../../../src/store/ledger';
import { containerFileAppId, containerFileIdOf, newThreadId, stepIdOf } from '../../../../src/upstream/responses/ids';
import { isChatMessage, toAssistantsMessage } from '../../../../src/upstream/responses/messages';
import { responseState, TOOL_OUTPUT_WINDOW_MS } from '../../../../src/upstream/responses/state';
import { stepOf } from '../../../../src/upstream/responses/steps';

const CFILE = `cfile_${'a'.repeat(32)}`;
const CNTR = `cntr_${'b'.repeat(48)}`;

function response(overrides: Partial<Response>): Response {
  return { id: 'resp_1', status: 'completed', output: [], error: null, incomplete_details: null, created_at: 1_000, completed_at: 1_010, ...overrides } as Response;
}

const functionCall = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_stock_price', arguments: '{"symbol":"MSFT"}', status: 'completed' } as const;

describe('responseState', () => {
  it('maps lifecycle statuses and usage', () => {
    expect(responseState(response({ status: 'queued' }), 0).status).toBe('queued');
    expect(responseState(response({ status: 'in_progress' }), 0).status).toBe('in_progress');
    expect(responseState(response({ status: 'cancelled' }), 0).status).toBe('cancelled');
    const done = responseState(response({ usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } as Response['usage'] }), 0);
    expect(done).toEqual({ id: 'resp_1', status: 'completed', usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }, toolCalls: [] });
  });

  it('reports a failure with its error, an incomplete response without one', () => {
    expect(responseState(response({ status: 'failed', error: { code: 'server_error', message: 'boom' } }), 0)).toMatchObject({ status: 'failed', lastError: { code: 'server_error', message: 'boom' } });
    expect(responseState(response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }), 0).lastError).toBeUndefined();
  });

  it('turns function calls of a completed response into requires_action until the app-enforced deadline', () => {
    const asking = response({ output: [functionCall] });
    const deadline = 1_010_000 + TOOL_OUTPUT_WINDOW_MS;
    expect(responseState(asking, deadline - 1)).toEqual({
      id: 'resp_1',
      status: 'requires_action',
      expiresAt: deadline,
      toolCalls: [{ id: 'call_1', name: 'get_stock_price', arguments: '{"symbol":"MSFT"}' }],
    });
    expect(responseState(asking, deadline)).toMatchObject({ status: 'expired', toolCalls: [] });
    // Calls of a response still being written are not asked for yet.
    expect(responseState({ ...asking, status: 'in_progress' }, 0)).toMatchObject({ status: 'in_progress', toolCalls: [] });
  });
});

describe('toAssistantsMessage', () => {
  const reply: ResponseOutputMessage = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [
      {
        type: 'output_text',
        text: 'See sandbox:/mnt/data/r.csv',
        logprobs: [],
        annotations: [
          { type: 'container_file_citation', container_id: CNTR, file_id: CFILE, filename: 'r.csv', start_index: 4, end_index: 27 },
          { type: 'container_file_citation', container_id: CNTR, file_id: `cfile_${'c'.repeat(32)}`, filename: 'chart.png', start_index: 27, end_index: 27 },
          { type: 'file_citation', file_id: 'file-abc', filename: 'banks.txt', index: 27 },
        ],
      },
    ],
  };

  it('maps output text, citations, images and where container files live', () => {
    const located = new Map<string, string>();
    const message = toAssistantsMessage(reply, { threadId: 'thread_1', createdAt: 5, runId: 'run_1', located: (id, container) => located.set(id, container) });
    expect(message).toMatchObject({ id: 'msg_1', object: 'thread.message', thread_id: 'thread_1', role: 'assistant', run_id: null, created_at: 5, status: 'completed', metadata: { app_run_id: 'run_1' } });
    expect(message.content).toEqual([
      { type: 'image_file', image_file: { file_id: `file-cfile_${'c'.repeat(32)}` } },
      {
        type: 'text',
        text: {
          value: 'See sandbox:/mnt/data/r.csv',
          annotations: [
            { type: 'file_path', text: 'sandbox:/mnt/data/r.csv', start_index: 4, end_index: 27, file_path: { file_id: `file-${CFILE}` } },
            { type: 'file_citation', text: 'banks.txt', start_index: 27, end_index: 27, file_citation: { file_id: 'file-abc' } },
          ],
        },
      },
    ]);
    expect([...located]).toEqual([
      [`file-${CFILE}`, CNTR],
      [`file-cfile_${'c'.repeat(32)}`, CNTR],
    ]);
  });

  it('maps user input text and tells messages from other items', () => {
    const user: ConversationMessage = { id: 'msg_2', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hi' }] };
    expect(toAssistantsMessage(user, { threadId: 'thread_1', createdAt: 1 })).toMatchObject({ role: 'user', content: [{ type: 'text', text: { value: 'Hi', annotations: [] } }], metadata: {} });
    expect(isChatMessage(user)).toBe(true);
    expect(isChatMessage(functionCall)).toBe(false);
    expect(isChatMessage({ type: 'message', role: 'system' })).toBe(false);
  });
});

describe('ids and steps', () => {
  it('fits container files, steps and threads into the API id shapes, reversibly for files', () => {
    expect(containerFileAppId(CFILE)).toMatch(ID_PATTERNS.file);
    expect(containerFileIdOf(containerFileAppId(CFILE))).toBe(CFILE);
    expect(containerFileIdOf('file-abc')).toBeUndefined();
    expect(stepIdOf(`msg_${'d'.repeat(48)}`)).toMatch(ID_PATTERNS.step);
    expect(newThreadId()).toMatch(ID_PATTERNS.thread);
    expect(newThreadId()).not.toBe(newThreadId());
  });

  it('maps output items to step summaries', () => {
    const r = response({});
    expect(stepOf(r, functionCall)).toEqual([
      { id: 'step_fc1', type: 'tool_calls', status: 'completed', created_at: 1_000, completed_at: 1_010, message_id: null, tool_calls: [{ id: 'call_1', type: 'function', name: 'get_stock_price' }] },
    ]);
    expect(stepOf(r, { type: 'reasoning', id: 'rs_1', summary: [] })).toEqual([]);
    expect(stepOf({ ...r, status: 'cancelled' }, { ...functionCall, status: 'incomplete' })[0]?.status).toBe('cancelled');
  });
});

describe('chainClaimOutcome', () => {
  const claim = (from: string | null, at = 1_000) => ({ from, at, staleMs: 100 });
  it('lets one delivery extend the chain, refuses the others, and retakes a stale claim', () => {
    expect(chainClaimOutcome({}, claim(null))).toBe('claimed');
    expect(chainClaimOutcome({ chainClaim: { from: null, at: 950 } }, claim(null))).toBe('busy');
    expect(chainClaimOutcome({ chainClaim: { from: null, at: 850 } }, claim(null))).toBe('claimed');
    expect(chainClaimOutcome({ upstreamRunIds: ['resp_1'] }, claim(null))).toBe('continued');
    expect(chainClaimOutcome({ upstreamRunIds: ['resp_1'] }, claim('resp_1'))).toBe('claimed');
    expect(chainClaimOutcome({ upstreamRunIds: ['resp_1', 'resp_2'] }, claim('resp_1'))).toBe('continued');
    // A leftover claim on an older link does not block the current one.
    expect(chainClaimOutcome({ upstreamRunIds: ['resp_1'], chainClaim: { from: null, at: 999 } }, claim('resp_1'))).toBe('claimed');
  });
});

describe('createDefinitionResolver', () => {
  const definitions = [assistantDefinitionSchema.parse({ key: 'helper', name: 'Helper', instructions: 'Help.', intent: 'anything' })];
  it('resolves a definition key to itself and refuses unknown keys with the 400 of the Assistants resolver', async () => {
    const resolver = createDefinitionResolver(definitions);
    await expect(resolver.resolve('helper')).resolves.toEqual({ assistantId: 'helper', definition: definitions[0] });
    await expect(resolver.resolve('nope')).rejects.toMatchObject({ status: 400, code: 'validation_failed', details: { field: 'assistant', allowed: ['helper'] } });
    await expect(resolver.list()).resolves.toEqual([{ key: 'helper', assistantId: 'helper', definition: definitions[0] }]);
  });
});
