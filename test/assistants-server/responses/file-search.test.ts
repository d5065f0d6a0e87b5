// File search through the SDK in all three URL styles: POST /vector_stores/{id}/search ranks chunks of
// the store's files (BM25), honours max_num_results, score_threshold and attribute filters; the
// file_search tool produces file_search_call items (results when included) and file_citation annotations.
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { collapse, useResponsesServer } from './support';

const h = useResponsesServer();

const LIGHTHOUSE = 'The lighthouse keeper lit the lamp every evening. Ships passing the rocky cape trusted the lighthouse beam.';
const BAKERY = 'The bakery opens at dawn. Fresh bread, croissants and rye loaves fill the shelves before the town wakes.';
const GARDEN = 'The garden has roses and tulips. A keeper of bees tends the hives near the old stone wall.';

async function storeWithDocs(c: OpenAI): Promise<{ storeId: string; ids: Record<string, string> }> {
  const docs = { 'lighthouse.txt': LIGHTHOUSE, 'bakery.txt': BAKERY, 'garden.txt': GARDEN };
  const ids: Record<string, string> = {};
  const store = await c.vectorStores.create({ name: 'docs' });
  for (const [name, text] of Object.entries(docs)) {
    const file = await c.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'assistants' });
    ids[name] = file.id;
    await c.vectorStores.files.createAndPoll(store.id, { file_id: file.id, attributes: { kind: name === 'bakery.txt' ? 'food' : 'place' } }, { pollIntervalMs: 10 });
  }
  return { storeId: store.id, ids };
}

describe.each(h.styles)('%s URL style', (_name, client) => {
  it('ranks the chunks of a store for a query', async () => {
    const c = client();
    const { storeId, ids } = await storeWithDocs(c);
    const page = await c.vectorStores.search(storeId, { query: 'lighthouse keeper' });
    const results = page.data;
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results[0]).toMatchObject({ file_id: ids['lighthouse.txt'], filename: 'lighthouse.txt', attributes: { kind: 'place' }, content: [{ type: 'text', text: LIGHTHOUSE }] });
    expect(results.map((r) => r.file_id)).not.toContain(ids['bakery.txt']);
    expect(results[1]!.file_id).toBe(ids['garden.txt']);
    for (const result of results) expect(result.score).toBeGreaterThan(0);
    for (const result of results) expect(result.score).toBeLessThanOrEqual(1);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);

    const one = await c.vectorStores.search(storeId, { query: 'keeper', max_num_results: 1 });
    expect(one.data).toHaveLength(1);
    const bread = await c.vectorStores.search(storeId, { query: ['fresh bread', 'croissants'] });
    expect(bread.data.map((r) => r.file_id)).toEqual([ids['bakery.txt']]);
    const filtered = await c.vectorStores.search(storeId, { query: 'keeper', filters: { type: 'eq', key: 'kind', value: 'food' } });
    expect(filtered.data).toEqual([]);
    const strict = await c.vectorStores.search(storeId, { query: 'keeper', ranking_options: { score_threshold: 0.9999 } });
    expect(strict.data).toEqual([]);
  });

  it('cuts long files into overlapping chunks and returns the matching one', async () => {
    const c = client();
    const filler = (word: string) => Array.from({ length: 300 }, (_v, i) => `${word}${i % 7}`).join(' ');
    const text = `${filler('alpha')} The treasure map is hidden under the floorboards. ${filler('omega')}`;
    const file = await c.files.create({ file: await toFile(Buffer.from(text), 'long.txt'), purpose: 'assistants' });
    const store = await c.vectorStores.create({ name: 'long' });
    await c.vectorStores.files.createAndPoll(store.id, { file_id: file.id, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 200, chunk_overlap_tokens: 50 } } }, { pollIntervalMs: 10 });
    const page = await c.vectorStores.search(store.id, { query: 'treasure map floorboards' });
    const best = page.data[0]!.content[0]!.text;
    expect(best).toContain('treasure map');
    expect(best.length).toBeLessThanOrEqual(800);
  });

  it('searches with the file_search tool and cites the files found', async () => {
    const c = client();
    const { storeId, ids } = await storeWithDocs(c);
    const conversation = await c.conversations.create();
    await h.admin.script({ conversation_id: conversation.id, turns: [{ file_search: { queries: ['lighthouse beam'] } }, { message: 'The keeper lights the lamp each evening.' }] });
    const response = await c.responses.create({
      model: 'gpt-4o',
      conversation: conversation.id,
      input: 'Who lights the lamp?',
      tools: [{ type: 'file_search', vector_store_ids: [storeId], max_num_results: 1 }],
      include: ['file_search_call.results'],
    });
    expect(response.output.map((o) => o.type)).toEqual(['file_search_call', 'message']);
    const call = response.output[0] as OpenAI.Responses.ResponseFileSearchToolCall;
    expect(call.id).toMatch(/^fs_[0-9a-f]{48}$/);
    expect(call).toMatchObject({ status: 'completed', queries: ['lighthouse beam'] });
    expect(call.results).toEqual([{ file_id: ids['lighthouse.txt'], filename: 'lighthouse.txt', score: expect.any(Number), text: LIGHTHOUSE, attributes: { kind: 'place' } }]);
    const text = (response.output[1] as OpenAI.Responses.ResponseOutputMessage).content[0] as OpenAI.Responses.ResponseOutputText;
    expect(text.annotations).toEqual([{ type: 'file_citation', file_id: ids['lighthouse.txt'], filename: 'lighthouse.txt', index: text.text.length }]);

    await h.admin.script({ conversation_id: conversation.id, turns: [{ file_search: { queries: ['bread'] } }, { message: 'At dawn.' }] });
    const stream = c.responses.stream({ model: 'gpt-4o', conversation: conversation.id, input: 'When?', tools: [{ type: 'file_search', vector_store_ids: [storeId] }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(collapse(types).slice(0, 7)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.file_search_call.in_progress',
      'response.file_search_call.searching',
      'response.file_search_call.completed',
      'response.output_item.done',
    ]);
    expect(((await stream.finalResponse()).output[0] as OpenAI.Responses.ResponseFileSearchToolCall).results).toBeNull();
  });
});
