// The ledger's Responses bookkeeping on Azurite: a run's response chain extended under conditional claims (one
// winner among concurrent claimants, stale claims retaken, released claims free), the stream cursor, and a
// thread's tool resources updated in place.
import { describe, expect, it } from 'vitest';
import { newId, useLedger } from './use-ledger';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('ledger response chains and thread resources', () => {
  const fx = useLedger();

  async function run() {
    const threadId = newId('thread');
    const runId = newId('run');
    await fx.ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey: 'helper', status: 'queued', createdAt: t0 });
    return { threadId, runId };
  }

  it('gives the next link to exactly one of several concurrent claimants', async () => {
    const { threadId, runId } = await run();
    const results = await Promise.all(Array.from({ length: 5 }, () => fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0, staleMs: 1_000 })));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'busy')).toHaveLength(4);

    const linked = await fx.ledger.linkResponse(threadId, runId, 'resp_1');
    expect(linked.upstreamRunIds).toEqual(['resp_1']);
    expect(linked.chainClaim).toBeUndefined();
    // Linking again changes nothing; the first link is taken.
    expect((await fx.ledger.linkResponse(threadId, runId, 'resp_1')).upstreamRunIds).toEqual(['resp_1']);
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0, staleMs: 1_000 })).toBe('continued');
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: 'resp_1', at: t0, staleMs: 1_000 })).toBe('claimed');
    expect((await fx.ledger.linkResponse(threadId, runId, 'resp_2')).upstreamRunIds).toEqual(['resp_1', 'resp_2']);
  });

  it('lets a stale claim be retaken and a released one be taken at once', async () => {
    const { threadId, runId } = await run();
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0, staleMs: 1_000 })).toBe('claimed');
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0 + 999, staleMs: 1_000 })).toBe('busy');
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0 + 1_000, staleMs: 1_000 })).toBe('claimed');

    // Only the holder's release counts.
    await fx.ledger.releaseResponseChain(threadId, runId, { from: null, at: t0 });
    expect((await fx.ledger.getRun(threadId, runId))?.chainClaim).toEqual({ from: null, at: t0 + 1_000 });
    await fx.ledger.releaseResponseChain(threadId, runId, { from: null, at: t0 + 1_000 });
    expect((await fx.ledger.getRun(threadId, runId))?.chainClaim).toBeUndefined();
    expect(await fx.ledger.claimResponseChain(threadId, runId, { from: null, at: t0 + 1_001, staleMs: 1_000 })).toBe('claimed');
  });

  it('keeps the stream cursor beside the rest of the run', async () => {
    const { threadId, runId } = await run();
    await fx.ledger.updateRun(threadId, runId, { streamCursor: { responseId: 'resp_1', sequence: 7 }, status: 'in_progress' });
    expect(await fx.ledger.getRun(threadId, runId)).toMatchObject({ status: 'in_progress', streamCursor: { responseId: 'resp_1', sequence: 7 } });
  });

  it("updates a thread's tool resources in place, and leaves unknown threads alone", async () => {
    const threadId = newId('thread');
    await fx.ledger.createThread({ threadId, ownerId: 'alice', conversationId: 'conv_1', createdAt: t0 });
    const added = await fx.ledger.updateThreadResources(threadId, (current) => ({ ...current, vectorStoreId: 'vs_1', codeFileIds: ['file-a'] }));
    expect(added).toEqual({ vectorStoreId: 'vs_1', containerId: undefined, codeFileIds: ['file-a'] });
    // An update that only fills what is missing keeps the first writer's value.
    await fx.ledger.updateThreadResources(threadId, (current) => (current.vectorStoreId ? null : { ...current, vectorStoreId: 'vs_2' }));
    expect(await fx.ledger.getThread(threadId)).toMatchObject({ conversationId: 'conv_1', vectorStoreId: 'vs_1', codeFileIds: ['file-a'] });
    expect(await fx.ledger.updateThreadResources(newId('thread'), (current) => current)).toBeNull();
  });
});
