// The upstream check of /api/health through the port (the Assistants adapter against a real local server):
// up when the service answers, down when it does not, and on foundry-classic up with its retirement warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { loadConfig } from '../../../src/config';
import { checkHealth, upstreamProbe } from '../../../src/health/check-health';
import { createUpstreamClient } from '../../../src/upstream';
import { createAssistantsUpstream } from '../../../src/upstream/assistants';

let server: RunningAssistantsServer;
beforeAll(async () => {
  server = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server?.close());

const port = (url: string) => createAssistantsUpstream(createUpstreamClient(loadConfig({ LOCAL_ASSISTANTS_URL: url, UPSTREAM_PROTOCOL: 'assistants' })), 'local');

describe('upstreamProbe', () => {
  it('is up without a warning for a provider with a future', async () => {
    const report = await checkHealth({ upstream: upstreamProbe(port(server.url), 'local') });
    expect(report).toMatchObject({ status: 'ok', checks: { upstream: { status: 'up' } } });
    expect(report.checks.upstream).not.toHaveProperty('warning');
  });

  it('stays up on foundry-classic and names the day its protocol retires', async () => {
    const report = await checkHealth({ upstream: upstreamProbe(port(server.url), 'foundry-classic') });
    expect(report.status).toBe('ok');
    expect(report.checks.upstream).toMatchObject({ status: 'up', warning: expect.stringContaining('2027-03-31') });
  });

  it('is down when the service does not answer', async () => {
    const report = await checkHealth({ upstream: upstreamProbe(port('http://127.0.0.1:9'), 'foundry-classic') }, { timeoutMs: 2_000 });
    expect(report).toMatchObject({ status: 'unhealthy', checks: { upstream: { status: 'down' } } });
  });
});
