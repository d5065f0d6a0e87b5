import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors';
import { createAssistantResolver, type AssistantDefinition } from '../../../src/assistants';

const def = (key: string): AssistantDefinition => ({ key, name: key, instructions: 'x', intent: 'y', tools: [], files: [], threadPerUser: false });

/** An OpenAI client over an in-memory GET /assistants (no network), counting list requests. */
function fakeUpstream(assistants: Array<{ id: string; key: string; deployment?: string; created_at?: number }>) {
  const state = { listCalls: 0, items: assistants };
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!url.pathname.endsWith('/assistants')) return new Response('{}', { status: 404 });
    state.listCalls++;
    const all = state.items.map((a, i) => ({
      id: a.id,
      object: 'assistant',
      created_at: a.created_at ?? i,
      model: 'm',
      name: a.key,
      description: null,
      instructions: null,
      tools: [],
      metadata: { app_key: a.key, app_deployment: a.deployment ?? 'dep' },
    }));
    const after = url.searchParams.get('after');
    const start = after ? all.findIndex((a) => a.id === after) + 1 : 0;
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const data = all.slice(start, start + limit);
    return Response.json({ object: 'list', data, has_more: start + limit < all.length });
  };
  const client = new OpenAI({ apiKey: 'k', baseURL: 'http://upstream.invalid/v1', fetch, maxRetries: 0 });
  return { client, state };
}

describe('createAssistantResolver', () => {
  it('resolves every key from one listing while it is fresh', async () => {
    const { client, state } = fakeUpstream([
      { id: 'asst_1', key: 'sales' },
      { id: 'asst_2', key: 'portfolio' },
      { id: 'asst_x', key: 'sales', deployment: 'other' },
    ]);
    const resolver = createAssistantResolver({ client, deploymentId: 'dep', definitions: [def('sales'), def('portfolio')], ttlMs: 60_000 });
    const [a, b, c] = await Promise.all([resolver.resolve('sales'), resolver.resolve('portfolio'), resolver.resolve('sales')]);
    expect(a.assistantId).toBe('asst_1');
    expect(a.definition.key).toBe('sales');
    expect(b.assistantId).toBe('asst_2');
    expect(c.assistantId).toBe('asst_1');
    expect(state.listCalls).toBe(1);
  });

  it('lists again after the TTL, and early on a miss (at most once per missRefreshMs)', async () => {
    let clock = 1_000_000;
    const { client, state } = fakeUpstream([{ id: 'asst_1', key: 'sales' }]);
    const resolver = createAssistantResolver({ client, deploymentId: 'dep', definitions: [def('sales'), def('trading')], ttlMs: 60_000, missRefreshMs: 5_000, now: () => clock });
    await resolver.resolve('sales');
    clock += 30_000;
    await resolver.resolve('sales');
    expect(state.listCalls).toBe(1);

    // A miss on a fresh-enough listing refreshes once; the sync has created the assistant meanwhile.
    state.items = [...state.items, { id: 'asst_t', key: 'trading' }];
    expect((await resolver.resolve('trading')).assistantId).toBe('asst_t');
    expect(state.listCalls).toBe(2);

    clock += 60_000;
    await resolver.resolve('sales');
    expect(state.listCalls).toBe(3);
  });

  it('rejects a key no definition has with a 400, and a defined but unsynced key with a 503', async () => {
    let clock = 0;
    const { client, state } = fakeUpstream([]);
    const resolver = createAssistantResolver({ client, deploymentId: 'dep', definitions: [def('sales')], ttlMs: 60_000, now: () => clock });
    const unknown = await resolver.resolve('nope').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AppError);
    expect(unknown).toMatchObject({ status: 400, details: { field: 'assistant', allowed: ['sales'] } });
    expect(state.listCalls).toBe(0);

    const unsynced = await resolver.resolve('sales').catch((e: unknown) => e);
    expect(unsynced).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    // Repeated misses within missRefreshMs do not list again.
    await resolver.resolve('sales').catch(() => undefined);
    expect(state.listCalls).toBe(1);
    clock += 5_000;
    await resolver.resolve('sales').catch(() => undefined);
    expect(state.listCalls).toBe(2);
  });

  it('pages through every assistant and lists definitions with their ids', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ id: `asst_${String(i).padStart(3, '0')}`, key: `k${i}`, deployment: 'other' }));
    const { client, state } = fakeUpstream([...many, { id: 'asst_last', key: 'sales' }]);
    const resolver = createAssistantResolver({ client, deploymentId: 'dep', definitions: [def('sales'), def('trading')], ttlMs: 60_000 });
    expect(await resolver.list()).toEqual([
      { key: 'sales', assistantId: 'asst_last', definition: def('sales') },
      { key: 'trading', assistantId: null, definition: def('trading') },
    ]);
    expect(state.listCalls).toBe(3);
  });
});
