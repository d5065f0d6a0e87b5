// Cursor pagination: limit/order/after/before, has_more, first_id/last_id, and the SDK's auto-paging.
import { describe, expect, it } from 'vitest';
import { errorOf } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

describe('list pagination', () => {
  it('pages assistants newest first by default and lets the SDK iterate every page', async () => {
    const c = h.openai;
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push((await c.beta.assistants.create({ model: 'gpt-4o', name: `a${i}` })).id);
    const newestFirst = [...created].reverse();

    const first = await c.beta.assistants.list();
    expect(first.data.map((a) => a.id)).toEqual(newestFirst.slice(0, 20));
    expect(first.has_more).toBe(true);

    const seen: string[] = [];
    for await (const assistant of c.beta.assistants.list({ limit: 7 })) seen.push(assistant.id);
    expect(seen).toEqual(newestFirst);

    const ascending: string[] = [];
    for await (const assistant of h.azure.beta.assistants.list({ limit: 10, order: 'asc' })) ascending.push(assistant.id);
    expect(ascending).toEqual(created);
  });

  it('honours after and before cursors with has_more and first_id/last_id', async () => {
    const thread = await h.openai.beta.threads.create({ messages: Array.from({ length: 6 }, (_, i) => ({ role: 'user' as const, content: `m${i}` })) });
    const all = (await h.openai.beta.threads.messages.list(thread.id, { order: 'asc' })).data.map((m) => m.id);
    expect(all).toHaveLength(6);

    const raw = async (query: string) => {
      const response = await h.fetch(`${h.url}/v1/threads/${thread.id}/messages?${query}`, { headers: { authorization: 'Bearer k', 'openai-beta': 'assistants=v2' } });
      return (await response.json()) as { data: { id: string }[]; first_id: string | null; last_id: string | null; has_more: boolean; object: string };
    };
    const middle = await raw(`order=asc&limit=2&after=${all[1]}`);
    expect(middle).toMatchObject({ object: 'list', first_id: all[2], last_id: all[3], has_more: true });
    expect(middle.data.map((m) => m.id)).toEqual([all[2], all[3]]);
    const end = await raw(`order=asc&limit=2&after=${all[3]}`);
    expect(end.data.map((m) => m.id)).toEqual([all[4], all[5]]);
    expect(end.has_more).toBe(false);
    const before = await raw(`order=asc&limit=2&before=${all[4]}`);
    expect(before.data.map((m) => m.id)).toEqual([all[2], all[3]]);
    expect(before.has_more).toBe(true);
    const desc = await raw(`limit=3`);
    expect(desc.data.map((m) => m.id)).toEqual([all[5], all[4], all[3]]);
    const empty = await raw(`after=${all[0]}&order=desc`);
    expect(empty).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('rejects limits outside 1–100 and unknown orders', async () => {
    expect(await errorOf(h.openai.beta.assistants.list({ limit: 101 }))).toMatchObject({ status: 400, param: 'limit', code: 'integer_above_max_value' });
    expect(await errorOf(h.openai.beta.assistants.list({ limit: 0 }))).toMatchObject({ status: 400, param: 'limit', code: 'integer_below_min_value' });
    expect(await errorOf(h.openai.beta.assistants.list({ order: 'sideways' as 'asc' }))).toMatchObject({ status: 400, param: 'order' });
  });
});
