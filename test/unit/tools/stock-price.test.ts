import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config';
import { createToolRegistry, type ToolDeps } from '../../../src/tools';
import { FIXTURE_DESCRIPTION, FIXTURE_NOTE, LIVE_DESCRIPTION } from '../../../src/tools/stock-price';
import fixture from '../../../src/tools/stock-prices.fixture.json';
import { callContext, capturingLogger, testConfig } from './helpers';

/** What every fixture answer carries besides symbol and price: the source, its date, and that it is not live. */
const FIXTURE_OUTPUT = { currency: 'USD', source: 'fixture', as_of: `${fixture.as_of}T00:00:00.000Z`, live: false, note: FIXTURE_NOTE };

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
      expect(output).toEqual({ ...FIXTURE_OUTPUT, symbol, price: fixture.prices[symbol as keyof typeof fixture.prices] });
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
    expect(JSON.parse((await quote({ symbol: 'sap' })).output)).toEqual({ ...FIXTURE_OUTPUT, symbol: 'SAP', price: 180.5, currency: 'EUR', as_of: '1970-01-01T00:00:00.000Z' });
    expect((await quote({ symbol: 'MSFT' })).status).toBe('failed');
  });

  it('fails, without throwing, on an unreadable fixture', async () => {
    const outcome = await quoteWith({ readFixture: async () => ({ prices: 'none' }) }).quote({ symbol: 'MSFT' });
    expect(outcome.status).toBe('failed');
  });
});

describe('get_stock_price description and settings', () => {
  const description = (env: Record<string, string> = {}) => createToolRegistry({ config: testConfig(env) }).functionTools(['get_stock_price'])[0]!.function.description;

  it('tells the model the fixture prices are not live, and describes live quotes otherwise', () => {
    expect(description()).toBe(FIXTURE_DESCRIPTION);
    expect(description()).toMatch(/NOT live market data/);
    expect(description({ STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: 'k' })).toBe(LIVE_DESCRIPTION);
    expect(LIVE_DESCRIPTION).toMatch(/as_of/);
  });

  it('requires a key for Twelve Data and refuses the removed http provider and its URL template', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ EMAIL_ALLOWED_DOMAINS: 'example.com', ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ STOCK_PRICE_PROVIDER: 'twelvedata' })).toEqual(['STOCK_PRICE_API_KEY: required when STOCK_PRICE_PROVIDER=twelvedata']);
    expect(problems({ STOCK_PRICE_PROVIDER: 'http', STOCK_PRICE_URL: 'https://quotes.example.com/quote' })[0]).toMatch(/^STOCK_PRICE_PROVIDER: /);
    expect(problems({ STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: 'k', STOCK_PRICE_URL: 'https://quotes.example.com/quote/{symbol}' })[0]).toMatch(/removed http provider/);
    expect(problems({ STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: 'k' })).toEqual([]);
    expect(loadConfig({ EMAIL_ALLOWED_DOMAINS: 'example.com' }).STOCK_PRICE_PROVIDER).toBe('fixture');
  });
});
