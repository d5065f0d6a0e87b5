// Where get_stock_price gets its prices: an offline fixture (the local default) or Twelve Data's real quotes.
import { z } from 'zod';
import type { Config } from '../config';
import { createTwelveDataProvider, TWELVE_DATA_SOURCE } from './market-data/twelve-data';
import bundledFixture from './stock-prices.fixture.json';

export type StockPriceSource = 'fixture' | typeof TWELVE_DATA_SOURCE;

export interface StockQuote {
  symbol: string;
  price: number;
  currency: string;
  /** Which source answered; reported to the model as `source`. */
  source: StockPriceSource;
  /** ISO 8601 instant the price is from (for the fixture: the date its values were written). */
  asOf: string;
  /** The trading day the quote belongs to, in the exchange's calendar, when the source says. */
  tradingDay?: string;
  exchange?: string;
  marketOpen?: boolean;
}

export interface QuoteContext {
  signal: AbortSignal;
  /** Epoch ms at which `signal` aborts: no wait may run past it. */
  deadlineMs: number;
}

export interface StockPriceProvider {
  readonly name: StockPriceSource;
  /** Whether the prices are real market data (the tool description and health say so when not). */
  readonly live: boolean;
  /** The quote, or undefined when the provider does not know the symbol. Throws ToolError on failure. */
  quote(symbol: string, ctx: QuoteContext): Promise<StockQuote | undefined>;
}

const fixtureSchema = z.object({
  currency: z.string().length(3),
  /** The date the fixture's values were written (they are plausible, not market data). */
  as_of: z.iso.date().optional(),
  prices: z.record(z.string(), z.number().positive()),
});

/** Imported (not read from disk) so esbuild bundles it into dist/main.js. */
export const readBundledFixture = async (): Promise<unknown> => bundledFixture;

export function createFixtureProvider(readFixture: () => Promise<unknown> = readBundledFixture): StockPriceProvider {
  let loaded: Promise<z.infer<typeof fixtureSchema>> | undefined;
  const load = () => {
    loaded ??= readFixture()
      .then((raw) => fixtureSchema.parse(raw))
      .catch((error: unknown) => {
        loaded = undefined; // let a later call try again
        throw error;
      });
    return loaded;
  };
  return {
    name: 'fixture',
    live: false,
    async quote(symbol) {
      const fixture = await load();
      const price = Object.hasOwn(fixture.prices, symbol) ? fixture.prices[symbol] : undefined;
      if (price === undefined) return undefined;
      const asOf = fixture.as_of ? `${fixture.as_of}T00:00:00.000Z` : new Date(0).toISOString();
      return { symbol, price, currency: fixture.currency, source: 'fixture', asOf };
    },
  };
}

export function createStockPriceProvider(deps: {
  config: Config;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readFixture?: () => Promise<unknown>;
}): StockPriceProvider {
  const { config } = deps;
  if (config.STOCK_PRICE_PROVIDER === TWELVE_DATA_SOURCE && config.STOCK_PRICE_API_KEY) {
    return createTwelveDataProvider({ apiKey: config.STOCK_PRICE_API_KEY, baseUrl: config.STOCK_PRICE_URL, fetch: deps.fetch, now: deps.now, sleep: deps.sleep });
  }
  return createFixtureProvider(deps.readFixture);
}
