// Where get_stock_price gets its prices: an offline fixture (default) or an HTTP market-data service.
import { z } from 'zod';
import type { Config } from '../config';
import bundledFixture from './stock-prices.fixture.json';
import { ToolError } from './tool-error';

export interface StockQuote {
  symbol: string;
  price: number;
  currency: string;
}

export interface StockPriceProvider {
  /** Reported to the model as `source`. */
  readonly name: 'fixture' | 'http';
  /** The quote, or undefined when the provider does not know the symbol. Throws ToolError on failure. */
  quote(symbol: string, signal: AbortSignal): Promise<StockQuote | undefined>;
}

const fixtureSchema = z.object({
  currency: z.string().length(3),
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
    async quote(symbol) {
      const fixture = await load();
      const price = Object.hasOwn(fixture.prices, symbol) ? fixture.prices[symbol] : undefined;
      return price === undefined ? undefined : { symbol, price, currency: fixture.currency };
    },
  };
}

/** Sent with STOCK_PRICE_API_KEY; the common convention of market-data APIs. */
export const STOCK_API_KEY_HEADER = 'x-api-key';

const quoteSchema = z.object({
  symbol: z.string().min(1),
  price: z.number().positive(),
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
});

export function createHttpProvider(options: { url: string; apiKey?: string; fetch?: typeof fetch }): StockPriceProvider {
  const fetchImpl = options.fetch ?? fetch;
  return {
    name: 'http',
    async quote(symbol, signal) {
      // Only messages written here leave this function: the URL or key may carry credentials.
      if (!/\{symbol\}|%7Bsymbol%7D/i.test(options.url)) throw new ToolError('The stock price service is misconfigured (its URL has no {symbol} placeholder).');
      const url = options.url.replace(/\{symbol\}|%7Bsymbol%7D/gi, encodeURIComponent(symbol));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.apiKey) headers[STOCK_API_KEY_HEADER] = options.apiKey;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers, signal });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new ToolError('The stock price service could not be reached.');
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new ToolError(`The stock price service answered HTTP ${response.status}.`, { status: response.status });
      }
      const parsed = quoteSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new ToolError('The stock price service sent an unreadable quote.');
      if (parsed.data.symbol.toUpperCase() !== symbol) throw new ToolError(`The stock price service answered for ${parsed.data.symbol}, not ${symbol}.`);
      return { symbol, price: parsed.data.price, currency: (parsed.data.currency ?? 'USD').toUpperCase() };
    },
  };
}

export function createStockPriceProvider(deps: { config: Config; fetch?: typeof fetch; readFixture?: () => Promise<unknown> }): StockPriceProvider {
  const { config } = deps;
  if (config.STOCK_PRICE_PROVIDER === 'http' && config.STOCK_PRICE_URL) {
    return createHttpProvider({ url: config.STOCK_PRICE_URL, apiKey: config.STOCK_PRICE_API_KEY, fetch: deps.fetch });
  }
  return createFixtureProvider(deps.readFixture);
}
