// A local server that answers like Twelve Data's Quote endpoint (https://twelvedata.com/docs#quote), with the
// bodies of ./fixtures (copied from the vendor's documentation): quotes, unknown symbols, a bad key, the
// per-minute and daily credit limits, plan limits, server errors and slow answers.
// Errors carry the HTTP status equal to their `code` (as the official Node client expects), or HTTP 200 with
// `legacyStatus` (the long-standing behaviour most clients handle).
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import docQuote from './fixtures/quote-aapl.json';
import dailyLimit from './fixtures/error-daily-limit.json';
import internalError from './fixtures/error-internal.json';
import invalidKey from './fixtures/error-invalid-api-key.json';
import minuteLimit from './fixtures/error-minute-limit.json';
import planLimit from './fixtures/error-plan.json';
import symbolNotFound from './fixtures/error-symbol-not-found.json';

export const fixtures = { docQuote, dailyLimit, internalError, invalidKey, minuteLimit, planLimit, symbolNotFound };

/** What the next request(s) get instead of the normal answer, in order. */
export type ScriptedAnswer = 'minute_limit' | 'daily_limit' | 'plan' | 'server_error' | 'garbled' | { delayMs: number };

export interface MarketDataServerOptions {
  /** The key the server accepts (header `Authorization: apikey <key>` or query `apikey`). */
  apiKey: string;
  port?: number;
  host?: string;
  /** Quote bodies by symbol; default: AAPL, the documentation's example, and MSFT derived from it. */
  quotes?: Record<string, Record<string, unknown>>;
  /** Credits a minute (Basic plan: 8); unlimited when unset. */
  creditsPerMinute?: number;
  /** Errors as HTTP 200 with the error body, as the API has long answered. */
  legacyStatus?: boolean;
  now?: () => number;
}

export interface SeenRequest {
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface RunningMarketDataServer {
  /** Base URL for STOCK_PRICE_URL. */
  url: string;
  requests: SeenRequest[];
  /** Scripts the answers to the next requests (before the rate limit applies). */
  next(...answers: ScriptedAnswer[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** MSFT, shaped exactly like the documented AAPL example (only identity and prices differ). */
export const msftQuote: Record<string, unknown> = {
  ...docQuote,
  symbol: 'MSFT',
  name: 'Microsoft Corp',
  open: '301.01000',
  high: '305.31000',
  low: '300.14999',
  close: '305.22000',
  previous_close: '304.36002',
};

export async function startMarketDataServer(options: MarketDataServerOptions): Promise<RunningMarketDataServer> {
  const now = options.now ?? Date.now;
  const quotes: Record<string, Record<string, unknown>> = options.quotes ?? { AAPL: docQuote, MSFT: msftQuote };
  const requests: SeenRequest[] = [];
  let script: ScriptedAnswer[] = [];
  let minute = -1;
  let used = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query, headers: req.headers });
    const send = (body: unknown, code = 200) => {
      const text = JSON.stringify(body);
      const status = code !== 200 && options.legacyStatus ? 200 : code;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    const error = (body: { code: number; message: string; status: string; meta?: unknown }) => send(body, body.code);

    if (url.pathname !== '/quote') return error({ code: 404, message: `Endpoint ${url.pathname} not found.`, status: 'error' });
    const header = req.headers.authorization ?? '';
    const key = /^apikey\s+(.+)$/i.exec(header)?.[1] ?? query.apikey;
    if (key !== options.apiKey) return error(invalidKey);

    const scripted = script.shift();
    if (scripted !== undefined) {
      if (typeof scripted === 'object') {
        const timer = setTimeout(() => answer(), scripted.delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (scripted === 'minute_limit') return error(minuteLimit);
      if (scripted === 'daily_limit') return error(dailyLimit);
      if (scripted === 'plan') return error(planLimit);
      if (scripted === 'server_error') return error(internalError);
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
    }
    if (options.creditsPerMinute !== undefined) {
      const current = Math.floor(now() / 60_000);
      if (current !== minute) [minute, used] = [current, 0];
      used += 1;
      if (used > options.creditsPerMinute) {
        return error({ ...minuteLimit, message: minuteLimit.message.replace(/\d+ API credits were used, with the current limit being \d+/, `${used} API credits were used, with the current limit being ${options.creditsPerMinute}`) });
      }
    }
    answer();

    function answer() {
      const symbol = (query.symbol ?? '').toUpperCase();
      const quote = Object.hasOwn(quotes, symbol) ? quotes[symbol] : undefined;
      if (quote) return send(quote);
      if (!symbol) return error({ code: 400, message: '**symbol** or **figi** parameter is missing or invalid. Please provide a valid symbol according to API documentation: https://twelvedata.com/docs#reference-data', status: 'error' });
      return error({
        ...symbolNotFound,
        message: symbolNotFound.message.replace('NOTFOUND', symbol),
        meta: { ...symbolNotFound.meta, symbol },
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    next: (...answers) => void script.push(...answers),
    reset: () => {
      script = [];
      requests.length = 0;
      [minute, used] = [-1, 0];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
