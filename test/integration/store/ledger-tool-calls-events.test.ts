import { describe, expect, it } from 'vitest';
import { createLedger, type RunEventStore, type StoredEvent, type ToolCallClaim } from '../../../src/store/ledger';
import { newId, useLedger } from './use-ledger';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (seconds: number) => t0 + seconds * 1000;
/** The table holds any event; these tests write made-up ones. */
const anyEvents = (ledger: RunEventStore) => ledger as unknown as RunEventStore<StoredEvent>;

describe('ledger tool calls', () => {
  const fx = useLedger();

  const claim = (runId: string, toolCallId: string, claimToken: string, claimedAt = t0): ToolCallClaim => ({
    runId,
    toolCallId,
    threadId: 'thread_x',
    name: 'send_email',
    arguments: '{"to":"a@example.com"}',
    owner: 'server',
    claimedAt,
    claimToken,
  });

  it('lets exactly one of many concurrent claimants run a tool call', async () => {
    const runId = newId('run');
    const toolCallId = newId('call');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => fx.ledger.claimToolCall(claim(runId, toolCallId, `worker-${i}`))));
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const winnerToken = winners[0]!.claimed ? winners[0]!.record.claimToken : '';
    for (const r of results) if (!r.claimed) expect(r.existing).toMatchObject({ claimToken: winnerToken, status: 'claimed', owner: 'server', claimedAt: t0 });
    expect((await fx.ledger.getToolCall(runId, toolCallId))?.claimToken).toBe(winnerToken);
  });

  it('keeps the first final outcome so every redelivery submits the same output', async () => {
    const runId = newId('run');
    const toolCallId = newId('call');
    await fx.ledger.claimToolCall(claim(runId, toolCallId, 'w1'));
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'succeeded', output: '{"sent":true}', durationMs: 42.4, completedAt: at(1) });
    const first = await fx.ledger.getToolCall(runId, toolCallId);
    expect(first).toMatchObject({ status: 'succeeded', output: '{"sent":true}', durationMs: 42, completedAt: at(1) });
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'failed', output: 'boom', durationMs: 1, completedAt: at(2) });
    expect(await fx.ledger.getToolCall(runId, toolCallId)).toEqual(first);

    const again = await fx.ledger.claimToolCall(claim(runId, toolCallId, 'w2'));
    expect(again).toMatchObject({ claimed: false, existing: { status: 'succeeded', output: '{"sent":true}', claimToken: 'w1' } });
    await expect(fx.ledger.completeToolCall(runId, newId('call'), { status: 'succeeded', output: '', completedAt: t0 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lets a frontend-owned call move from awaiting_client to its submitted output, once', async () => {
    const runId = newId('run');
    const toolCallId = newId('call');
    await fx.ledger.claimToolCall({ ...claim(runId, toolCallId, 'w1'), owner: 'client' });
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'awaiting_client', output: '', completedAt: at(1) });
    expect(await fx.ledger.getToolCall(runId, toolCallId)).toMatchObject({ status: 'awaiting_client', output: '' });
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'client_submitted', output: '42', completedAt: at(2) });
    expect(await fx.ledger.getToolCall(runId, toolCallId)).toMatchObject({ owner: 'client', status: 'client_submitted', output: '42' });
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'client_submitted', output: '43', completedAt: at(3) });
    expect((await fx.ledger.getToolCall(runId, toolCallId))?.output).toBe('42');
  });

  it('stores outputs larger than one table property', async () => {
    const runId = newId('run');
    const toolCallId = newId('call');
    // Numbered pieces would expose a dropped, repeated or reordered part. (ASCII: in-memory Azurite garbles
    // multi-byte characters that straddle 64 KiB of an entity body, which real Table storage does not.)
    const big = Array.from({ length: 15_000 }, (_, i) => `${i};`).join('');
    expect(big.length).toBeGreaterThan(64_000);
    await fx.ledger.claimToolCall({ ...claim(runId, toolCallId, 'w1'), arguments: big });
    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'succeeded', output: `${big}!`, durationMs: 5, completedAt: at(1) });
    const stored = await fx.ledger.getToolCall(runId, toolCallId);
    // Compared as booleans: a failing toBe on 80 kB strings floods the report.
    expect(stored?.arguments === big).toBe(true);
    expect(stored?.output === `${big}!`).toBe(true);
  });

  it('hands a presumed-dead claim to exactly one of several reclaimers, and never a finished call', async () => {
    const runId = newId('run');
    const toolCallId = newId('call');
    await fx.ledger.claimToolCall(claim(runId, toolCallId, 'dead-worker', t0));
    // A reclaimer that saw an older claim time lost the race already.
    expect(await fx.ledger.reclaimToolCall(runId, toolCallId, t0 - 1, at(60))).toBe(false);

    const contenders = await Promise.all([at(60), at(61), at(62)].map((claimedAt) => fx.ledger.reclaimToolCall(runId, toolCallId, t0, claimedAt)));
    expect(contenders.filter(Boolean)).toHaveLength(1);
    const winnerAt = [at(60), at(61), at(62)][contenders.indexOf(true)];
    expect((await fx.ledger.getToolCall(runId, toolCallId))?.claimedAt).toBe(winnerAt);

    await fx.ledger.completeToolCall(runId, toolCallId, { status: 'unknown_outcome', output: '{}', completedAt: at(63) });
    expect(await fx.ledger.reclaimToolCall(runId, toolCallId, winnerAt!, at(999))).toBe(false);
    expect(await fx.ledger.reclaimToolCall(runId, newId('call'), t0, at(1))).toBe(false);
  });

  it('lists a run’s tool calls', async () => {
    const runId = newId('run');
    const ids = [newId('call'), newId('call')];
    for (const id of ids) await fx.ledger.claimToolCall(claim(runId, id, 'w'));
    await fx.ledger.claimToolCall(claim(newId('run'), newId('call'), 'w'));
    expect((await fx.ledger.listToolCalls(runId)).map((c) => c.toolCallId).sort()).toEqual([...ids].sort());
  });
});

describe('ledger run events', () => {
  const fx = useLedger();

  it('numbers events 1, 2, 3 ... and lists them after a sequence number', async () => {
    const runId = newId('run');
    const seqs: number[] = [];
    for (const type of ['run.created', 'run.in_progress', 'run.completed']) seqs.push(await anyEvents(fx.ledger).appendRunEvent(runId, { type, data: { type }, at: t0 }));
    expect(seqs).toEqual([1, 2, 3]);
    const all = await fx.ledger.listRunEvents(runId);
    expect(all.map((e) => [e.seq, e.type, e.at])).toEqual([
      [1, 'run.created', t0],
      [2, 'run.in_progress', t0],
      [3, 'run.completed', t0],
    ]);
    expect(all[0]?.data).toEqual({ type: 'run.created' });
    expect((await fx.ledger.listRunEvents(runId, { afterSeq: 2 })).map((e) => e.seq)).toEqual([3]);
  });

  it('leaves no gaps or duplicates under concurrent appenders, including other processes', async () => {
    const runId = newId('run');
    // Separate ledgers have separate sequence caches, like separate worker instances.
    const writers = [fx.ledger, createLedger(fx.config, fx.clients), createLedger(fx.config, fx.clients)];
    const perWriter = 8;
    const seqs = await Promise.all(
      writers.flatMap((ledger, w) => Array.from({ length: perWriter }, (_, i) => anyEvents(ledger).appendRunEvent(runId, { type: 'delta', data: { w, i } }))),
    );
    const total = writers.length * perWriter;
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    expect([...seqs].sort((a, b) => a - b)).toEqual(expected);

    const listed = await fx.ledger.listRunEvents(runId);
    expect(listed.map((e) => e.seq)).toEqual(expected);
    // Each event kept its own payload (no write landed on another's row).
    expect(new Set(listed.map((e) => JSON.stringify(e.data))).size).toBe(total);
  });
});
