import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkHealth, originReachableProbe } from '../../../src/health/check-health';

describe('checkHealth', () => {
  it('is ok when every dependency is up or not configured', async () => {
    const report = await checkHealth({ storage: async () => 'up', email: async () => 'not_configured' });
    expect(report.status).toBe('ok');
    expect(report.checks.storage?.status).toBe('up');
    expect(report.checks.email?.status).toBe('not_configured');
  });

  it('is unhealthy when one dependency fails or hangs, naming it without details', async () => {
    const report = await checkHealth(
      {
        storage: async () => 'up',
        upstream: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED https://secret.example/?sig=abc'), { code: 'ECONNREFUSED' });
        },
        email: () => new Promise(() => undefined),
      },
      { timeoutMs: 200 },
    );
    expect(report.status).toBe('unhealthy');
    expect(report.checks.upstream).toMatchObject({ status: 'down', error: 'ECONNREFUSED' });
    expect(report.checks.email).toMatchObject({ status: 'down', error: 'no answer within 200 ms' });
    expect(JSON.stringify(report)).not.toContain('sig=');
  });
});

describe('originReachableProbe', () => {
  it('probes the origin only, never the signed path', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const probe = originReachableProbe(`http://127.0.0.1:${port}/workflows/x/invoke?sig=secret`);
      await expect(probe(AbortSignal.timeout(2000))).resolves.toBe('up');
      expect(seen).toEqual(['/']);
    } finally {
      server.close();
    }
  });

  it('reports not_configured without a URL and fails when nothing listens', async () => {
    await expect(originReachableProbe(undefined)(AbortSignal.timeout(1000))).resolves.toBe('not_configured');
    await expect(originReachableProbe('http://127.0.0.1:1/x')(AbortSignal.timeout(1000))).rejects.toBeTruthy();
  });
});
