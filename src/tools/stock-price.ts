// get_stock_price: the seed training's finance tool; prices come from a StockPriceProvider.
// Its description depends on the provider: with the offline fixture the model is told the prices are not live.
import { z } from 'zod';
import { defineTool } from './define-tool';
import { createStockPriceProvider, type StockPriceProvider } from './stock-price-providers';
import { ToolError } from './tool-error';
import type { RegisteredTool, ToolDeps } from './types';

const parameters = z.strictObject({
  symbol: z
    .string()
    .trim()
    .min(1)
    .max(10)
    .regex(/^[A-Za-z0-9.^=-]+$/, 'use letters, digits, ".", "-", "^" or "="')
    .describe('Ticker symbol, e.g. MSFT.')
    .transform((s) => s.toUpperCase()),
});

export const LIVE_DESCRIPTION =
  'Gets the latest price of a stock by its ticker symbol from Twelve Data market data. The output says the source and as_of (when the price is from); quote that time, as the market may be closed.';
export const FIXTURE_DESCRIPTION =
  'Gets a stock price by its ticker symbol from an offline fixture: these prices are NOT live market data (source "fixture"). Tell the user the price is a sample value for development, not a current quote.';

export const FIXTURE_NOTE = 'Offline fixture price for development, not live market data.';

export function stockPriceDescription(provider: Pick<StockPriceProvider, 'live'>): string {
  return provider.live ? LIVE_DESCRIPTION : FIXTURE_DESCRIPTION;
}

export function createStockPriceTool(deps: ToolDeps, provider: StockPriceProvider = createStockPriceProvider(deps)): RegisteredTool {
  return defineTool<z.output<typeof parameters>>({
    name: 'get_stock_price',
    description: stockPriceDescription(provider),
    parameters,
    idempotent: true,
    async execute({ symbol }, ctx) {
      const quote = await provider.quote(symbol, { signal: ctx.signal, deadlineMs: ctx.deadlineMs });
      if (!quote) throw new ToolError(`No price is available for symbol ${symbol}; check the ticker symbol.`, { symbol, source: provider.name });
      return {
        symbol: quote.symbol,
        price: quote.price,
        currency: quote.currency,
        source: quote.source,
        as_of: quote.asOf,
        ...(quote.tradingDay ? { trading_day: quote.tradingDay } : {}),
        ...(quote.exchange ? { exchange: quote.exchange } : {}),
        ...(quote.marketOpen === undefined ? {} : { market_open: quote.marketOpen }),
        ...(provider.live ? {} : { live: false, note: FIXTURE_NOTE }),
      };
    },
  });
}
