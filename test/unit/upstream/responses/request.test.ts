// What every response of a run's chain is sent: the definition's model (or the default), its instructions with the
// run's, its tools as Responses tools (registry declarations for server functions, client functions as declared,
// file_search only with the thread's store), temperature and the app's metadata.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { assistantDefinitionSchema } from '../../../../src/assistants';
import type { ThreadRecord } from '../../../../src/store/ledger';
import { createRequestBuilder } from '../../../../src/upstream/responses/request';

const definition = assistantDefinitionSchema.parse({
  key: 'helper',
  name: 'Helper',
  instructions: ['You help.', 'Briefly.'],
  intent: 'anything',
  temperature: 0.2,
  tools: ['file_search', { function: 'get_stock_price' }, { clientFunction: { name: 'confirm_choice', description: 'Ask.' } }, { function: 'strict_tool' }],
});

const builder = createRequestBuilder({
  // No code interpreter and no data files here: nothing is asked of the service.
  client: {} as OpenAI,
  deploymentId: 'dep',
  defaultModel: 'gpt-default',
  definitions: new Map([[definition.key, definition]]),
  functionTools: (names) =>
    names.map((name) => ({ type: 'function', function: { name, description: `The ${name} tool.`, parameters: { type: 'object', properties: { symbol: { type: 'string' } } }, ...(name === 'strict_tool' ? { strict: true } : {}) } })),
  dataDir: 'data',
  now: () => 0,
});

const thread = (overrides: Partial<ThreadRecord> = {}): ThreadRecord => ({ threadId: 'thread_1', ownerId: 'u', metadata: {}, createdAt: 0, lastActivityAt: 0, ...overrides });

describe('request building', () => {
  it('sends the whole assistant with every response', async () => {
    const parts = await builder.build({ assistantKey: 'helper', runId: 'run_1', additionalInstructions: 'It is Monday.', thread: thread({ vectorStoreId: 'vs_1' }) });
    expect(parts).toEqual({
      model: 'gpt-default',
      instructions: 'You help.\nBriefly.\n\nIt is Monday.',
      temperature: 0.2,
      metadata: { app_run_id: 'run_1', app_deployment: 'dep' },
      tools: [
        { type: 'file_search', vector_store_ids: ['vs_1'] },
        { type: 'function', name: 'get_stock_price', description: 'The get_stock_price tool.', parameters: { type: 'object', properties: { symbol: { type: 'string' } } }, strict: false },
        { type: 'function', name: 'confirm_choice', description: 'Ask.', parameters: { type: 'object', properties: {} }, strict: false },
        // Strict where the registry says so.
        { type: 'function', name: 'strict_tool', description: 'The strict_tool tool.', parameters: { type: 'object', properties: { symbol: { type: 'string' } } }, strict: true },
      ],
    });
  });

  it('leaves file_search out while the thread has no vector store, and refuses unknown assistants', async () => {
    const parts = await builder.build({ assistantKey: 'helper', runId: 'run_1', thread: thread() });
    expect(parts.instructions).toBe('You help.\nBriefly.');
    expect(parts.tools?.map((tool) => tool.type)).toEqual(['function', 'function', 'function']);
    await expect(builder.build({ assistantKey: 'nope', runId: 'run_1', thread: thread() })).rejects.toMatchObject({ status: 400 });
  });
});
