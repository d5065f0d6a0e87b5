// Requested sweeps (src/sweep/requests.ts, run-request.ts, reconcile-requests.ts) on Azurite's Sweeps table and a
// real sweep queue, with the real sweep against the local server: coalescing, the outbox crash window (recorded,
// never sent), duplicate and redelivered messages, and requests the reconciler gives up.
import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSweepQueue, type SweepQueue } from '../../../src/store/sweep-queue';
import type { SweepRequestRecord } from '../../../src/store/ledger';
import type { SweepSummary } from '../../../src/sweep';
import { SWEEP_LEASE_NAME } from '../../../src/sweep/lease';
import { MAX_SENDS, reconcileSweepRequests } from '../../../src/sweep/reconcile-requests';
import { sweepQueueMessageSchema, type SweepQueueMessage } from '../../../src/sweep/request-facts';
import { newSweepId, requestSweep } from '../../../src/sweep/requests';
import { processPoisonedSweepMessage, processSweepMessage, type SweepWorkerDeps } from '../../../src/sweep/run-request';
import { CLAIM_GRACE_MS } from '../../../src/sweep/sweep-claim';
import { quietLogger, useSweepStack } from './stack';

const STALL_MS = 60_000;

describe('requested sweeps', () => {
  const stack = useSweepStack();
  let queue: SweepQueue;
  let queueClient: QueueClient;
  /** The requests' clock (epoch ms); tests move it forward. */
  let clock: number;
  /** Sweeps the worker ran (the real sweep, counted). */
  let swept: number;

  beforeEach(async () => {
    const name = `sw${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    queue = createSweepQueue({ SWEEP_QUEUE_NAME: name }, stack.storage);
    queueClient = new QueueClient(String(stack.config.AzureWebJobsStorage), name);
    await queueClient.createIfNotExists();
    clock = await stack.clockNow();
    swept = 0;
  });

  const base = () => ({ ledger: stack.ledger, logger: quietLogger(), now: () => clock });
  const worker = (): SweepWorkerDeps => ({
    ...base(),
    retentionMs: 90 * 86_400_000,
    sweep: async (holder, dryRun): Promise<SweepSummary> => {
      swept++;
      return stack.sweep({ holder, dryRun });
    },
  });
  const reconciler = () => ({ ...base(), queue, stallMs: STALL_MS });

  /** The messages on the sweep queue, taken off it. */
  async function drain(): Promise<Array<SweepQueueMessage & { messageId: string }>> {
    const { receivedMessageItems } = await queueClient.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
    for (const item of receivedMessageItems) await queueClient.deleteMessage(item.messageId, item.popReceipt);
    return receivedMessageItems.map((item) => ({ ...sweepQueueMessageSchema.parse(JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8'))), messageId: item.messageId }));
  }

  const get = async (sweepId: string) => (await stack.ledger.getSweepRequest(sweepId))!;
  const recordQueued = async (overrides: Partial<SweepRequestRecord> = {}): Promise<SweepRequestRecord> => {
    // What requestSweep writes before its send: a process dying right after leaves exactly this.
    const record: SweepRequestRecord = { sweepId: newSweepId(), status: 'queued', dryRun: true, requestedAt: clock, updatedAt: clock, attempts: 0, sends: 1, ...overrides };
    expect(await stack.ledger.recordSweepRequest(record)).toBe(true);
    return record;
  };

  it('records the request queued and sends its message; a request while it is open joins it, one of the other kind does not', async () => {
    const first = await requestSweep({ ...base(), queue }, { dryRun: true });
    expect(first).toMatchObject({ coalesced: false, request: { status: 'queued', dryRun: true, sends: 1 } });
    expect(await get(first.request.sweepId)).toMatchObject({ status: 'queued', dryRun: true, requestedAt: clock });
    const again = await requestSweep({ ...base(), queue }, { dryRun: true });
    expect(again).toMatchObject({ coalesced: true, request: { sweepId: first.request.sweepId } });
    const real = await requestSweep({ ...base(), queue }, { dryRun: false });
    expect(real.coalesced).toBe(false);
    expect(real.request.sweepId).not.toBe(first.request.sweepId);
    const sent = await drain();
    expect(sent.map((m) => m.sweepId).sort()).toEqual([first.request.sweepId, real.request.sweepId].sort());

    // Once it ended, the next request is a new sweep.
    for (const message of sent) await processSweepMessage(worker(), message, { messageId: message.messageId });
    expect(await get(first.request.sweepId)).toMatchObject({ status: 'succeeded', summary: { dryRun: true, leaseAcquired: true } });
    const later = await requestSweep({ ...base(), queue }, { dryRun: true });
    expect(later.coalesced).toBe(false);
  });

  it('a request recorded but never sent (the process died between the two writes) is sent by the reconciler after the stall timeout, and runs', async () => {
    const record = await recordQueued();
    clock += STALL_MS - 1_000;
    expect(await reconcileSweepRequests(reconciler())).toEqual({ resent: 0, abandoned: 0, errors: 0 });
    expect(await drain()).toEqual([]);

    clock += 2_000;
    expect(await reconcileSweepRequests(reconciler())).toEqual({ resent: 1, abandoned: 0, errors: 0 });
    // A second reconciler over the same rows sends nothing more.
    expect(await reconcileSweepRequests(reconciler())).toMatchObject({ resent: 0 });
    const [message, ...more] = await drain();
    expect(more).toEqual([]);
    expect(message?.sweepId).toBe(record.sweepId);
    expect(await get(record.sweepId)).toMatchObject({ status: 'queued', sends: 2 });

    expect((await processSweepMessage(worker(), message!, { messageId: message!.messageId })).outcome).toBe('succeeded');
    expect(await get(record.sweepId)).toMatchObject({ status: 'succeeded', attempts: 1, summary: { leaseAcquired: true } });
  });

  it('duplicate messages of one request sweep once, at the same time or after', async () => {
    const record = await recordQueued();
    const [a, b] = await Promise.all([
      processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'message-a' }),
      processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'message-b' }),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['in_progress', 'succeeded']);
    expect(swept).toBe(1);
    const done = await get(record.sweepId);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });

    expect((await processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'message-c' })).outcome).toBe('already_ended');
    expect(swept).toBe(1);
    expect(await get(record.sweepId)).toEqual(done);
  });

  it("a claim whose worker died is taken back by its own message's redelivery, and by another message once stale", async () => {
    // A delivery claimed it and died before taking the lease.
    const record = await recordQueued({ status: 'running', claim: 'message-a', claimedAt: clock, attempts: 1 });
    expect((await processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'message-b' })).outcome).toBe('in_progress');
    expect(swept).toBe(0);
    expect((await processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'message-a' })).outcome).toBe('succeeded');
    expect(await get(record.sweepId)).toMatchObject({ status: 'succeeded', attempts: 2 });

    const other = await recordQueued({ status: 'running', claim: 'message-x', claimedAt: clock, attempts: 1 });
    clock += CLAIM_GRACE_MS + 1_000;
    expect((await processSweepMessage(worker(), { sweepId: other.sweepId }, { messageId: 'message-y' })).outcome).toBe('succeeded');
    expect(await get(other.sweepId)).toMatchObject({ status: 'succeeded', claim: 'message-y', attempts: 2 });
  });

  it('while another sweep holds the lease, the request ends skipped with the reason', async () => {
    const record = await recordQueued();
    expect(await stack.ledger.acquireLease(SWEEP_LEASE_NAME, 'timer@test', 60_000, await stack.clockNow())).toBe(true);
    try {
      expect((await processSweepMessage(worker(), { sweepId: record.sweepId }, { messageId: 'm' })).outcome).toBe('skipped');
    } finally {
      await stack.ledger.releaseLease(SWEEP_LEASE_NAME, 'timer@test');
    }
    expect(await get(record.sweepId)).toMatchObject({ status: 'skipped', reason: { code: 'sweep_lease_held' }, summary: { leaseAcquired: false } });
  });

  it('the reconciler leaves a running request whose sweep holds the lease alone, and re-sends it once the lease lapsed', async () => {
    const record = await recordQueued({ status: 'running', claim: 'message-a', claimedAt: clock, attempts: 1 });
    expect(await stack.ledger.acquireLease(SWEEP_LEASE_NAME, `sweep@${record.sweepId}#dead`, 10 * 60_000, clock)).toBe(true);
    clock += 5 * 60_000;
    expect((await reconcileSweepRequests(reconciler())).resent).toBe(0);
    clock += 6 * 60_000;
    expect((await reconcileSweepRequests(reconciler())).resent).toBe(1);
    expect((await drain()).map((m) => m.sweepId)).toEqual([record.sweepId]);
    await stack.ledger.releaseLease(SWEEP_LEASE_NAME, `sweep@${record.sweepId}#dead`);
  });

  it(`gives a request up after ${MAX_SENDS} sends, and a poisoned message marks its request failed`, async () => {
    const undeliverable = await recordQueued({ sends: MAX_SENDS });
    clock += STALL_MS + 1_000;
    expect(await reconcileSweepRequests(reconciler())).toEqual({ resent: 0, abandoned: 1, errors: 0 });
    expect(await get(undeliverable.sweepId)).toMatchObject({ status: 'failed', reason: { code: 'sweep_abandoned' } });
    expect(await drain()).toEqual([]);

    const poisoned = await recordQueued({ status: 'running', claim: 'm', claimedAt: clock, attempts: 5 });
    expect(await processPoisonedSweepMessage(base(), { sweepId: poisoned.sweepId })).toBe('marked_failed');
    expect(await processPoisonedSweepMessage(base(), { sweepId: poisoned.sweepId })).toBe('already_ended');
    const failed = await get(poisoned.sweepId);
    expect(failed).toMatchObject({ status: 'failed', reason: { code: 'sweep_poisoned' } });
    expect(failed.claim).toBeUndefined();
    expect(await processPoisonedSweepMessage(base(), { sweepId: newSweepId() })).toBe('unknown_sweep');
  });
});
