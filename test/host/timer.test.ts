// Timer triggers through the host: a live `*/1 * * * * *` schedule, runOnStartup with a %SETTING% schedule,
// and the admin API that runs a non-HTTP function on demand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFunctionsHost } from '../../local/functions-host';
import { logMatches, startFixtureHost, waitFor } from './helpers';

let host: RunningFunctionsHost;

beforeAll(async () => {
  host = await startFixtureHost('host-app-timer', { STARTUP_SCHEDULE: '0 0 0 1 1 *', FUNCTIONS_DEFAULT_KEY: '', FUNCTIONS_MASTER_KEY: '' });
});
afterAll(async () => {
  await host?.close();
});

describe('timer triggers', () => {
  it('fires a six-field schedule at its occurrences, never before them', async () => {
    const tick = /\[every-second\] \[[0-9a-f-]{36}\] tick at=(\d+) next=(\S+) isPastDue=(\w+) adjustForDST=(\w+)/;
    const ticks = await waitFor(() => {
      const found = logMatches(host, tick);
      return found.length >= 3 && found;
    }, 'three ticks', 20_000);
    const occurrences = ticks.map((m) => Date.parse(m[2]!));
    for (const [index, m] of ticks.entries()) {
      expect(m[2]).toMatch(/:\d\d\.000Z$/);
      expect(Number(m[1])).toBeGreaterThanOrEqual(occurrences[index]!);
      expect(m[4]).toBe('true');
    }
    for (let i = 1; i < occurrences.length; i++) {
      const gap = occurrences[i]! - occurrences[i - 1]!;
      expect(gap).toBeGreaterThan(0);
      expect(gap % 1_000).toBe(0);
    }
    expect(host.logs()).toContain('every-second: timerTrigger (schedule: */1 * * * * *)');
  });

  it('runs a runOnStartup timer at startup, its schedule read from an app setting', async () => {
    await waitFor(() => host.logs().includes('startup tick isPastDue=false'), 'the startup run');
    expect(host.logs()).toContain('on-startup: timerTrigger (schedule: 0 0 0 1 1 *)');
  });

  it('runs a function on demand through POST /admin/functions/<name>', async () => {
    const before = logMatches(host, /startup tick/).length;
    const res = await fetch(`${host.url}/admin/functions/on-startup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: '' }) });
    expect(res.status).toBe(202);
    await waitFor(() => logMatches(host, /startup tick/).length > before, 'the on-demand run');
    expect((await fetch(`${host.url}/admin/functions/missing`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
