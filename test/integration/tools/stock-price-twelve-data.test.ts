// get_stock_price with STOCK_PRICE_PROVIDER=twelvedata, through the registry (registry → tool → provider →
// fetch over loopback) against local/market-data, which answers with the vendor's documented bodies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtures, msftQuote, startMarketDataServer, type RunningMarketDataServer } from '../../../local/market-data/server';
import { createToolRegistry, createTwelveDataProvider, type ToolDeps } from '../../../src/tools';
import { LIVE_DESCRIPTION } from '../../../src/tools/stock-price';
import { callContext, capturingLogger, testConfig } from '../../unit/tools/helpers';

const KEY = 'local-td-key-5c4b3a';

for (const legacyStatus of [false, true]) {
  describe(`get_stock_price against the Twelve Data-shaped server (errors with ${legacyStatus ? 'HTTP 200' : 'HTTP status = code'})`, () => {
    let server: RunningMarketDataServer;

    beforeAll(async () => {
      server = await startMarketDataServer({ apiKey: KEY, legacyStatus });
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => server.reset());

    function registry(env: Record<string, string> = {}, deps: Partial<ToolDeps> = {}) {
      const capture = capturingLogger();
      const reg = createToolRegistry({
        config: testConfig({ STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: KEY, STOCK_PRICE_URL: server.url, ...env }),
        ...deps,
      });
      const quote = (symbol: string, deadlineMs = Date.now() + 60_000) =>
        reg.execute({ id: `call_${symbol}`, name: 'get_stock_price', arguments: JSON.stringify({ symbol }) }, callContext(capture.logger, { deadlineMs }));
      return { reg, quote, lines: capture.lines };
    }

    const secretFree = (...texts: string[]) => {
      for (const text of texts) expect(text).not.toContain(KEY);
    };

    it('declares live prices to the model and answers with price, currency, source and as_of', async () => {
      const { reg, quote, lines } = registry();
      expect(reg.functionTools(['get_stock_price'])[0]!.function.description).toBe(LIVE_DESCRIPTION);
      const outcome = await quote('aapl');
      expect(outcome.status).toBe('succeeded');
      expect(JSON.parse(outcome.output)).toEqual({
        symbol: 'AAPL',
        price: 148.85001,
        currency: 'USD',
        source: 'twelvedata',
        as_of: '2021-09-16T06:00:00.000Z',
        trading_day: '2021-09-16',
        exchange: 'NASDAQ',
        market_open: false,
      });
      expect(JSON.parse((await quote('MSFT')).output)).toMatchObject({ symbol: 'MSFT', price: Number(msftQuote.close), source: 'twelvedata' });
      // The request as the vendor documents it: /quote?symbol=, key in the Authorization header only.
      expect(server.requests.map((r) => [r.path, r.query])).toEqual([
        ['/quote', { symbol: 'AAPL' }],
        ['/quote', { symbol: 'MSFT' }],
      ]);
      expect(server.requests[0]!.headers.authorization).toBe(`apikey ${KEY}`);
      secretFree(outcome.output, ...lines);
    });

    it('answers "no price" for a symbol the vendor does not know', async () => {
      const outcome = await registry().quote('NOTFOUND');
      expect(outcome.status).toBe('failed');
      expect(JSON.parse(outcome.output)).toMatchObject({ error: expect.stringContaining('No price is available for symbol NOTFOUND'), source: 'twelvedata' });
    });

    it('explains a rejected key without showing it', async () => {
      const { quote, lines } = registry({ STOCK_PRICE_API_KEY: 'wrong-key-123456' });
      const outcome = await quote('AAPL');
      expect(outcome.status).toBe('failed');
      expect(JSON.parse(outcome.output)).toMatchObject({ status: 401, retryable: false, error: expect.stringContaining('STOCK_PRICE_API_KEY') });
      expect([outcome.output, ...lines].join('\n')).not.toContain('wrong-key-123456');
    });

    it('turns the per-minute limit into a rate-limit answer with retry guidance when waiting does not fit', async () => {
      server.next('minute_limit');
      // 10 s past the minute: the 50 s wait does not fit a 30 s tool budget.
      const { quote, lines } = registry({}, { now: () => Date.UTC(2026, 0, 1, 10, 0, 10) });
      const outcome = await quote('AAPL');
      expect(outcome.status).toBe('failed');
      expect(JSON.parse(outcome.output)).toMatchObject({ status: 429, rateLimited: true, retryAfterSeconds: 50, error: expect.stringMatching(/rate limiting/) });
      expect(server.requests).toHaveLength(1);
      secretFree(outcome.output, ...lines);
    });

    it('waits for the next minute and retries once when that fits the budget', async () => {
      server.next('minute_limit');
      const sleeps: number[] = [];
      const { quote } = registry({}, { now: () => Date.UTC(2026, 0, 1, 10, 0, 58), sleep: async (ms) => void sleeps.push(ms) });
      const outcome = await quote('AAPL');
      expect(outcome.status).toBe('succeeded');
      expect(sleeps).toEqual([2_000]);
      expect(server.requests).toHaveLength(2);
    });

    it('counts credits like the Basic plan: the ninth request in a minute is throttled', async () => {
      const now = () => Date.UTC(2026, 0, 1, 10, 0, 5);
      const limited = await startMarketDataServer({ apiKey: KEY, legacyStatus, creditsPerMinute: 8, now });
      try {
        const provider = createTwelveDataProvider({ apiKey: KEY, baseUrl: limited.url, now });
        // A 10 s budget on the provider's clock: the 55 s wait for the next minute does not fit.
        const ctx = { signal: AbortSignal.timeout(10_000), deadlineMs: now() + 10_000 };
        for (let i = 0; i < 8; i++) expect(await provider.quote('AAPL', ctx)).toMatchObject({ price: 148.85001 });
        await expect(provider.quote('AAPL', ctx)).rejects.toMatchObject({ details: { status: 429, retryAfterSeconds: 55 } });
      } finally {
        await limited.close();
      }
    });

    it('reports the daily quota, a plan limit, a server error and a garbled answer as failures', async () => {
      const { quote } = registry();
      server.next('daily_limit', 'plan', 'server_error', 'garbled');
      const outputs = [];
      for (const symbol of ['AAPL', 'XYZ', 'AAPL', 'AAPL']) {
        const outcome = await quote(symbol);
        expect(outcome.status, symbol).toBe('failed');
        outputs.push(JSON.parse(outcome.output));
      }
      expect(outputs[0]).toMatchObject({ status: 429, retryable: false, error: expect.stringMatching(/daily quota/) });
      expect(outputs[1]).toMatchObject({ status: 403, error: expect.stringMatching(/plan/) });
      expect(outputs[2]).toMatchObject({ status: 500, retryable: true });
      expect(outputs[3]).toMatchObject({ error: expect.stringMatching(/cannot read/) });
      expect(fixtures.dailyLimit.code).toBe(429);
    });

    it('abandons a slow answer when the tool budget runs out', async () => {
      server.next({ delayMs: 5_000 });
      const { quote } = registry({ TOOL_TIMEOUT: '300ms' });
      const started = Date.now();
      const outcome = await quote('AAPL');
      expect(outcome.status).toBe('timed_out');
      expect(JSON.parse(outcome.output).error).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('fails cleanly when the service is not reachable', async () => {
      const outcome = await registry({ STOCK_PRICE_URL: 'http://127.0.0.1:9' }).quote('AAPL');
      expect(outcome.status).toBe('failed');
      expect(JSON.parse(outcome.output).error).toMatch(/could not be reached/);
      expect(outcome.output).not.toContain('127.0.0.1');
    });
  });
}
