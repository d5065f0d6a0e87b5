// get_stock_price: the seed training's finance tool; prices come from a StockPriceProvider.
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

export function createStockPriceTool(deps: ToolDeps, provider: StockPriceProvider = createStockPriceProvider(deps)): RegisteredTool {
  return defineTool<z.output<typeof parameters>>({
    name: 'get_stock_price',
    description: 'Gets the current price of a stock by its ticker symbol.',
    parameters,
    idempotent: true,
    async execute({ symbol }, ctx) {
      const quote = await provider.quote(symbol, ctx.signal);
      if (!quote) throw new ToolError(`No price is available for symbol ${symbol}; check the ticker symbol.`, { symbol });
      return { symbol: quote.symbol, price: quote.price, currency: quote.currency, source: provider.name };
    },
  });
}
