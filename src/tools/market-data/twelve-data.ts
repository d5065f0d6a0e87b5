// Twelve Data's Quote endpoint (https://twelvedata.com/docs#quote) as a StockPriceProvider.
// Request: GET {base}/quote?symbol=MSFT with `Authorization: apikey <key>` (the header form the official client
// uses, so the key never sits in a URL that fetch instrumentation, spans or errors could carry).
// Errors (https://twelvedata.com/docs#errors) are `{"code","message","status":"error"}`, sent with HTTP 200 or
// with the HTTP status equal to `code`: both are read the same way.
import { z } from 'zod';
import { redact } from '../../logging';
import { ToolError } from '../tool-error';
import type { QuoteContext, StockPriceProvider, StockQuote } from '../stock-price-providers';

export const TWELVE_DATA_BASE_URL = 'https://api.twelvedata.com';
export const TWELVE_DATA_SOURCE = 'twelvedata';

/** The fields get_stock_price uses; Twelve Data sends more (see local/market-data/fixtures/quote-aapl.json). */
export const twelveDataQuoteSchema = z.object({
  symbol: z.string().min(1),
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
  exchange: z.string().optional(),
  /** Open of the bar the quote belongs to, in the exchange's timezone: the trading day for the default 1day interval. */
  datetime: z.string().min(1),
  /** Unix seconds of the bar's open. */
  timestamp: z.number().int().positive(),
  /** Unix seconds of the last minute candle: when the price was last updated. */
  last_quote_at: z.number().int().positive().optional(),
  /** Prices are decimal strings. */
  close: z.string().regex(/^\d+(\.\d+)?$/),
  is_market_open: z.boolean().optional(),
});

export const twelveDataErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  status: z.literal('error'),
});

export type TwelveDataQuote = z.infer<typeof twelveDataQuoteSchema>;

export interface TwelveDataOptions {
  apiKey: string;
  /** Default https://api.twelvedata.com; tests point it at local/market-data. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Waits `ms`, rejecting when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Time the provider keeps free after a throttle wait, for the retried request itself. */
const RETRY_MARGIN_MS = 2_000;
const MESSAGE_LIMIT = 240;

/** Maps a quote body to the tool's quote; undefined when the body is not a usable quote. */
export function mapTwelveDataQuote(symbol: string, body: TwelveDataQuote): StockQuote | undefined {
  const price = Number(body.close);
  if (!Number.isFinite(price) || price <= 0) return undefined;
  const asOfSeconds = body.last_quote_at ?? body.timestamp;
  return {
    symbol,
    price,
    currency: (body.currency ?? 'USD').toUpperCase(),
    source: TWELVE_DATA_SOURCE,
    asOf: new Date(asOfSeconds * 1_000).toISOString(),
    tradingDay: body.datetime,
    ...(body.exchange ? { exchange: body.exchange } : {}),
    ...(body.is_market_open === undefined ? {} : { marketOpen: body.is_market_open }),
  };
}

/** Seconds until Twelve Data's per-minute credits reset (at the next full minute). */
export function secondsUntilNextMinute(nowMs: number): number {
  return Math.max(1, Math.ceil((60_000 - (nowMs % 60_000)) / 1_000));
}

type Answer = { kind: 'quote'; quote: StockQuote } | { kind: 'unknown' } | { kind: 'throttled'; daily: boolean; message: string };

export function createTwelveDataProvider(options: TwelveDataOptions): StockPriceProvider {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const base = (options.baseUrl ?? TWELVE_DATA_BASE_URL).replace(/\/+$/, '');
  /** Vendor text shown to the model: never the key, never a credential-looking string, kept short. */
  const scrub = (text: string) => redact(text.split(options.apiKey).join('[redacted]')).slice(0, MESSAGE_LIMIT);

  async function request(symbol: string, signal: AbortSignal): Promise<Answer> {
    const url = `${base}/quote?${new URLSearchParams({ symbol })}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: 'application/json', authorization: `apikey ${options.apiKey}`, 'x-api-version': 'last' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      // Only our words: a network error's message may name the host or carry the URL.
      throw new ToolError('Twelve Data (the market-data service) could not be reached; try again shortly.', { source: TWELVE_DATA_SOURCE, retryable: true });
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const error = twelveDataErrorSchema.safeParse(body);
    const code = error.success ? error.data.code : response.ok ? 200 : response.status;
    const message = error.success ? scrub(error.data.message) : '';
    if (code === 200) {
      const quote = twelveDataQuoteSchema.safeParse(body);
      if (!quote.success) throw new ToolError('Twelve Data sent a quote this backend cannot read.', { source: TWELVE_DATA_SOURCE });
      if (quote.data.symbol.toUpperCase() !== symbol) {
        throw new ToolError(`Twelve Data answered for ${scrub(quote.data.symbol)}, not ${symbol}.`, { source: TWELVE_DATA_SOURCE });
      }
      const mapped = mapTwelveDataQuote(symbol, quote.data);
      if (!mapped) throw new ToolError(`Twelve Data sent no usable price for ${symbol}.`, { source: TWELVE_DATA_SOURCE });
      return { kind: 'quote', quote: mapped };
    }
    // 400: the one parameter sent is the symbol; 404: symbol not found.
    if (code === 400 || code === 404) return { kind: 'unknown' };
    if (code === 429) return { kind: 'throttled', daily: /\bday\b|daily/i.test(message), message };
    if (code === 401) {
      throw new ToolError('The market-data service rejected this deployment\'s API key (Twelve Data answered 401); an operator must fix STOCK_PRICE_API_KEY. Retrying will not help.', {
        source: TWELVE_DATA_SOURCE,
        status: 401,
        retryable: false,
      });
    }
    if (code === 403) {
      throw new ToolError(`Twelve Data does not serve ${symbol} on this deployment's plan${message ? `: ${message}` : '.'}`, { source: TWELVE_DATA_SOURCE, status: 403, retryable: false });
    }
    if (code >= 500) {
      throw new ToolError(`Twelve Data had a server error (${code}); try again shortly.`, { source: TWELVE_DATA_SOURCE, status: code, retryable: true });
    }
    throw new ToolError(`Twelve Data answered with an error (${code})${message ? `: ${message}` : '.'}`, { source: TWELVE_DATA_SOURCE, status: code });
  }

  return {
    name: TWELVE_DATA_SOURCE,
    live: true,
    async quote(symbol, ctx: QuoteContext) {
      // Idempotent, so a throttled call may be repeated once, but only when the wait and the retried request fit the budget.
      for (let attempt = 1; ; attempt++) {
        const answer = await request(symbol, ctx.signal);
        if (answer.kind === 'quote') return answer.quote;
        if (answer.kind === 'unknown') return undefined;
        const waitSeconds = answer.daily ? undefined : secondsUntilNextMinute(now());
        const fits = waitSeconds !== undefined && now() + waitSeconds * 1_000 + RETRY_MARGIN_MS <= ctx.deadlineMs;
        if (attempt === 1 && fits) {
          await sleep(waitSeconds * 1_000, ctx.signal);
          continue;
        }
        throw new ToolError(
          answer.daily
            ? 'Twelve Data\'s daily quota for this deployment is used up: no live price can be fetched until the quota resets (tomorrow). Tell the user; do not retry now.'
            : `Twelve Data is rate limiting this deployment (per-minute quota used up). Retry in about ${waitSeconds} seconds.`,
          {
            source: TWELVE_DATA_SOURCE,
            status: 429,
            rateLimited: true,
            retryable: !answer.daily,
            ...(waitSeconds === undefined ? {} : { retryAfterSeconds: waitSeconds }),
            attempts: attempt,
          },
        );
      }
    },
  };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
