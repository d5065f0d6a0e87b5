import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolRegistry, type ToolDeps } from '../../../src/tools';
import fixture from '../../../src/tools/stock-prices.fixture.json';
import { callContext, capturingLogger, testConfig } from './helpers';

function quoteWith(deps: Partial<ToolDeps> & { env?: Record<string, string> } = {}) {
  const { env, ...rest } = deps;
  const registry = createToolRegistry({ config: testConfig(env), ...rest });
  const { logger, lines } = capturingLogger();
  const quote = (args: unknown) => registry.execute({ id: 'call_q', name: 'get_stock_price', arguments: JSON.stringify(args) }, callContext(logger));
  return { quote, lines };
}

describe('get_stock_price with the fixture provider', () => {
  it('prices every symbol of the seed portfolio', async () => {
    // The training's portfolio, shared with every developer and CI at ../shared.
    const csv = readFileSync(path.resolve(process.cwd(), '../shared/seed-data/finance/portfolio.csv'), 'utf8');
    const symbols = csv.trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[0]!);
    expect(symbols.length).toBeGreaterThan(0);
    const { quote } = quoteWith();
    for (const symbol of symbols) {
      const outcome = await quote({ symbol });
      expect(outcome.status, symbol).toBe('succeeded');
      const output = JSON.parse(outcome.output);
      expect(output).toEqual({ symbol, price: fixture.prices[symbol as keyof typeof fixture.prices], currency: 'USD', source: 'fixture' });
      expect(output.price).toBeGreaterThan(0);
    }
  });

  it('upper-cases and trims the symbol', async () => {
    const outcome = await quoteWith().quote({ symbol: ' msft ' });
    expect(JSON.parse(outcome.output)).toMatchObject({ symbol: 'MSFT', source: 'fixture' });
  });

  it('fails an unknown symbol, saying so', async () => {
    const outcome = await quoteWith().quote({ symbol: 'ZZZZ' });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toMatch(/No price is available for symbol ZZZZ/);
  });

  it('rejects symbols that are too long or contain odd characters', async () => {
    const { quote } = quoteWith();
    expect((await quote({ symbol: 'ABCDEFGHIJK' })).status).toBe('invalid_arguments');
    expect((await quote({ symbol: 'MS FT' })).status).toBe('invalid_arguments');
    expect((await quote({ symbol: '' })).status).toBe('invalid_arguments');
    expect((await quote({})).status).toBe('invalid_arguments');
  });

  it('reads an injected fixture', async () => {
    const { quote } = quoteWith({ readFixture: async () => ({ currency: 'EUR', prices: { SAP: 180.5 } }) });
    expect(JSON.parse((await quote({ symbol: 'sap' })).output)).toEqual({ symbol: 'SAP', price: 180.5, currency: 'EUR', source: 'fixture' });
    expect((await quote({ symbol: 'MSFT' })).status).toBe('failed');
  });

  it('fails, without throwing, on an unreadable fixture', async () => {
    const outcome = await quoteWith({ readFixture: async () => ({ prices: 'none' }) }).quote({ symbol: 'MSFT' });
    expect(outcome.status).toBe('failed');
  });
});

describe('get_stock_price with the http provider', () => {
  const API_KEY = 'market-data-key-42';
  let server: Server;
  let base = '';
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const symbol = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      if (symbol === 'MSFT') return send(200, { symbol: 'MSFT', price: 321.5, currency: 'usd' });
      if (symbol === 'BRK.B') return send(200, { symbol: 'brk.b', price: 410 });
      if (symbol === 'BROKEN') return send(500, { error: 'boom' });
      if (symbol === 'GARBLED') return send(200, 'not json');
      if (symbol === 'OTHER') return send(200, { symbol: 'AAPL', price: 1 });
      return send(404, { error: 'unknown symbol' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const httpQuote = () =>
    quoteWith({ env: { STOCK_PRICE_PROVIDER: 'http', STOCK_PRICE_URL: `${base}/quote/{symbol}`, STOCK_PRICE_API_KEY: API_KEY } });

  it('gets a quote, sending the API key as a header', async () => {
    const { quote, lines } = httpQuote();
    const outcome = await quote({ symbol: 'msft' });
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.output)).toEqual({ symbol: 'MSFT', price: 321.5, currency: 'USD', source: 'http' });
    const request = seen.find((r) => r.url === '/quote/MSFT');
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });

  it('encodes the symbol into the URL and defaults the currency', async () => {
    const outcome = await httpQuote().quote({ symbol: 'brk.b' });
    expect(JSON.parse(outcome.output)).toEqual({ symbol: 'BRK.B', price: 410, currency: 'USD', source: 'http' });
  });

  it('reports an unknown symbol, a server error and a garbled answer as failures', async () => {
    const { quote, lines } = httpQuote();
    const unknown = await quote({ symbol: 'NOPE' });
    expect(unknown.status).toBe('failed');
    expect(JSON.parse(unknown.output).error).toContain('No price is available for symbol NOPE');
    const broken = await quote({ symbol: 'BROKEN' });
    expect(JSON.parse(broken.output)).toMatchObject({ status: 500, error: expect.stringContaining('HTTP 500') });
    expect((await quote({ symbol: 'GARBLED' })).status).toBe('failed');
    expect(JSON.parse((await quote({ symbol: 'OTHER' })).output).error).toContain('answered for AAPL');
    const everything = [unknown.output, broken.output, ...lines].join('\n');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(base);
  });

  it('fails cleanly when the service cannot be reached', async () => {
    const { quote } = quoteWith({ env: { STOCK_PRICE_PROVIDER: 'http', STOCK_PRICE_URL: 'http://127.0.0.1:9/quote/{symbol}?apikey=hidden' } });
    const outcome = await quote({ symbol: 'MSFT' });
    expect(outcome.status).toBe('failed');
    expect(JSON.parse(outcome.output).error).toContain('could not be reached');
    expect(outcome.output).not.toContain('hidden');
  });
});
