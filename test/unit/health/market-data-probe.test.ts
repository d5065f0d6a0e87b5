// Health reports which source get_stock_price answers from, and warns when the cloud runs on the fixture.
import { describe, expect, it } from 'vitest';
import { checkHealth, marketDataProbe } from '../../../src/health/check-health';

describe('marketDataProbe', () => {
  it('reports the fixture locally without a warning, and warns in a cloud deployment while staying ok', async () => {
    const local = await checkHealth({ market_data: marketDataProbe({ STOCK_PRICE_PROVIDER: 'fixture', provider: 'local' }) });
    expect(local).toEqual({ status: 'ok', checks: { market_data: { status: 'up', source: 'fixture', latencyMs: expect.any(Number) } } });
    const cloud = await checkHealth({ market_data: marketDataProbe({ STOCK_PRICE_PROVIDER: 'fixture', provider: 'foundry' }) });
    expect(cloud.status).toBe('ok');
    expect(cloud.checks.market_data).toMatchObject({ status: 'up', source: 'fixture', warning: expect.stringMatching(/not live/) });
  });

  it('probes Twelve Data by its origin only, without the key, and reports it down when unreachable', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(url), init });
      return new Response(null, { status: 404 });
    }) as typeof fetch;
    const up = await checkHealth({ market_data: marketDataProbe({ STOCK_PRICE_PROVIDER: 'twelvedata', provider: 'foundry' }, fetchImpl) });
    expect(up.checks.market_data).toMatchObject({ status: 'up', source: 'twelvedata' });
    expect(up.checks.market_data).not.toHaveProperty('warning');
    expect(seen).toEqual([{ url: 'https://api.twelvedata.com', init: expect.objectContaining({ method: 'HEAD' }) }]);
    expect(JSON.stringify(seen[0]!.init?.headers ?? {})).not.toMatch(/apikey/i);

    const down = await checkHealth({ market_data: marketDataProbe({ STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_URL: 'http://127.0.0.1:9', provider: 'foundry' }) });
    expect(down.status).toBe('unhealthy');
    expect(down.checks.market_data?.status).toBe('down');
  });
});
