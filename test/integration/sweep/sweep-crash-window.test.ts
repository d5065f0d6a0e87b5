// The requested sweep's crash window on the real stack: the row is the outbox. With the queue service down the
// route's send hangs in its retries, and the host is SIGKILLed there, after the request was recorded and before its
// message went out. After a restart the reconciler sends it and the sweep worker runs it to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, SweepRequestRecord } from '../../../src/store/ledger';
import type { QueueOutage } from '../../support/queue-outage';
import { startStackWithQueueOutage, type OutageStack } from '../../support/outage-stack';
import { eventually, type Stack } from '../../support/stack';
import { PROTOCOL } from './stack';

const MASTER_KEY = 'test-master-key';
let stack: Stack;
let outage: QueueOutage;
/** The ledger read past the queue switch, straight from Azurite. */
let ledger: Ledger;
let world: OutageStack;

beforeAll(async () => {
  world = await startStackWithQueueOutage({
    protocol: PROTOCOL,
    env: {
      FUNCTIONS_MASTER_KEY: MASTER_KEY,
      // Azure's lease: nothing here waits for a killed host's message to come back.
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '600',
      RECONCILE_SCHEDULE: '* * * * * *',
      RUN_STALL_TIMEOUT: '6s',
      // The timer stays out of the way (once a year).
      SWEEP_SCHEDULE: '0 0 0 1 1 *',
    },
  });
  ({ stack, outage, ledger } = world);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('requested sweep crash window', { timeout: 90_000 }, () => {
  it('a sweep recorded but never queued (queue down, host killed during the send) is sent by the reconciler and succeeds', async () => {
    outage.down();
    const posting = fetch(`${stack.api}/maintenance/sweep`, { method: 'POST', headers: { 'x-functions-key': MASTER_KEY } }).catch(() => undefined);
    const recorded = await eventually<SweepRequestRecord>(async () => (await ledger.listOpenSweepRequests())[0], { timeoutMs: 20_000, intervalMs: 50 });
    expect(recorded).toMatchObject({ status: 'queued', sends: 1, attempts: 0 });
    stack.host.kill('SIGKILL');
    await stack.host.exited;
    await posting;
    outage.up();
    await stack.restartHost();
    const restartedAt = Date.now();

    const sweep = await eventually(async () => {
      const response = await fetch(`${stack.api}/maintenance/sweeps/${recorded.sweepId}`, { headers: { 'x-functions-key': MASTER_KEY } });
      const body = (await response.json()) as { status: string };
      return body.status === 'succeeded' ? body : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    console.log(`recovered a never-queued sweep ${Date.now() - restartedAt} ms after the restart`);
    expect(sweep).toMatchObject({ id: recorded.sweepId, report: { lease_acquired: true, dry_run: false } });
    expect(await ledger.getSweepRequest(recorded.sweepId)).toMatchObject({ status: 'succeeded', sends: 2, attempts: 1 });
  });
});
