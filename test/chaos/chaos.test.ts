// The chaos suite (issue #15) on the full local stack. In `npm test` a quick slice (CHAOS_RUNS, default 12 runs,
// one host, one host kill, one queue outage, one Azurite restart); `npm run test:chaos` runs this file with
// CHAOS_FULL=1 (two hosts competing for the queues, 12 kills) and prints the CHAOS line. The seed (CHAOS_SEED) decides
// the workload and the chaos schedule. The hosts keep Azure's 10-minute queue lease, so a killed host's runs come
// back through their follow lease and the lease reconciler, which is what worst_recovery_ms measures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../local/azurite';
import { createLedger, type Ledger } from '../../src/store/ledger';
import { createStorageClients } from '../../src/store/storage-clients';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { withQueueOutageSwitch, type QueueOutage } from '../support/queue-outage';
import { startStack, type Stack } from '../support/stack';
import { chaosLine, runChaos, type ChaosHost } from './chaos';

const full = process.env.CHAOS_FULL === '1';
const seed = Number(process.env.CHAOS_SEED ?? 15);
const runs = Number(process.env.CHAOS_RUNS ?? (full ? 500 : 12));
const kills = Number(process.env.CHAOS_KILLS ?? (full ? 12 : 1));
const hostCount = Number(process.env.CHAOS_HOSTS ?? (full ? 2 : 1));
const ADMIN_KEY = 'chaos-admin-key-never-logged';

let stack: Stack;
let outage: QueueOutage;
let ledger: Ledger;
let azurite: RunningAzurite;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chaos-azurite-'));

/** Azurite on fixed ports with its data on disk, so a restart keeps both. */
async function startKeptAzurite(ports?: { blobPort: number; queuePort: number; tablePort: number }): Promise<RunningAzurite> {
  return startAzurite({ location: dataDir, ...ports });
}
const portOf = (url: string) => Number(new URL(url).port);

beforeAll(async () => {
  azurite = await startKeptAzurite();
  const ports = { blobPort: portOf(azurite.blobUrl), queuePort: portOf(azurite.queueUrl), tablePort: portOf(azurite.tableUrl) };
  // What the stack closes: whichever Azurite is current.
  const current: RunningAzurite = { ...azurite, close: () => azurite.close() };
  outage = await withQueueOutageSwitch(current);
  ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, createStorageClients({ AzureWebJobsStorage: azurite.connectionString }));
  stack = await startStack({
    azurite: outage.azurite,
    env: {
      // Azure's queue lease: a killed host's messages stay invisible for 10 minutes.
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '600',
      RUN_FOLLOW_LEASE: '4s',
      LEASE_RECONCILE_SCHEDULE: '*/2 * * * * *',
      // The stall pass stays the fallback for rows without a lease (direct answers) and wedged threads.
      RECONCILE_SCHEDULE: '*/5 * * * * *',
      RUN_STALL_TIMEOUT: '15s',
      RUN_FOLLOW_BUDGET: '2s',
      TOOL_TIMEOUT: '4s',
      EMAIL_MAX_PER_USER_PER_HOUR: '100000',
      ADMIN_KEY,
    },
  });
  restart = async () => {
    await azurite.close();
    azurite = await startKeptAzurite(ports);
  };
  hosts = [{ current: () => stack.host, restart: async () => void (await stack.restartHost()) }];
  for (let i = 1; i < hostCount; i++) {
    let extra: RunningFunctionsHost = await stack.startHost();
    extras.push(() => extra);
    hosts.push({ current: () => extra, restart: async () => void (extra = await stack.startHost()) });
  }
}, 180_000);
let restart: () => Promise<void>;
let hosts: ChaosHost[] = [];
const extras: Array<() => RunningFunctionsHost> = [];

afterAll(async () => {
  for (const extra of extras) await extra().close().catch(() => undefined);
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`chaos (${full ? 'full' : 'quick slice'}, seed ${seed}, ${hostCount} host${hostCount > 1 ? 's' : ''})`, () => {
  it(`${runs} runs through host kills, queue outages, an Azurite restart and upstream faults: every run ends, no email twice, no wedged thread`, async () => {
    const summary = await runChaos(
      { stack, hosts, ledger, queueDown: () => outage.down(), queueUp: () => outage.up(), restartAzurite: () => restart() },
      {
        seed,
        runs,
        threads: full ? 8 : 4,
        kills,
        outages: full ? 6 : 1,
        azuriteRestarts: 1,
        settleMs: 60_000,
        secrets: [ADMIN_KEY, 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq'],
        log: full ? (line) => console.log(line) : undefined,
      },
    );
    const line = chaosLine({ protocol: stack.protocol, ...summary });
    if (process.env.CHAOS_OUT) writeFileSync(process.env.CHAOS_OUT, JSON.stringify({ summary, line }, null, 2));
    console.log(line);
    expect(summary.runs).toBeGreaterThan(0);
    expect(summary.lost, line).toBe(0);
    expect(summary.duplicate_emails, line).toBe(0);
    expect(summary.orphans_after_sweep, line).toBe(0);
    expect(summary.unhandled_errors, line).toBe(0);
    expect(summary.secret_leaks, line).toBe(0);
  }, 1_800_000);
});
