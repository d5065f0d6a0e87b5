// The Twelve Data provider's request, mapping and error classification, with fetch replaced. The bodies are the
// vendor's (local/market-data/fixtures, copied from its documentation), sent both ways the API sends errors:
// with HTTP status = code, and with HTTP 200.
import { describe, expect, it } from 'vitest';
import dailyLimit from '../../../local/market-data/fixtures/error-daily-limit.json';
import internalError from '../../../local/market-data/fixtures/error-internal.json';
import invalidKey from '../../../local/market-data/fixtures/error-invalid-api-key.json';
import minuteLimit from '../../../local/market-data/fixtures/error-minute-limit.json';
import planLimit from '../../../local/market-data/fixtures/error-plan.json';
import symbolInvalid from '../../../local/market-data/fixtures/error-symbol-invalid.json';
import symbolNotFound from '../../../local/market-data/fixtures/error-symbol-not-found.json';
import docQuote from '../../../local/market-data/fixtures/quote-aapl.json';
import { createTwelveDataProvider, mapTwelveDataQuote, secondsUntilNextMinute, twelveDataQuoteSchema } from '../../../src/tools/market-data/twelve-data';
import { ToolError } from '../../../src/tools';

const KEY = 'td-secret-key-9f8e7d';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function provider(answers: Array<Response | (() => Response)>, options: { now?: () => number } = {}) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const sleeps: number[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return typeof next === 'function' ? next() : next;
  }) as typeof fetch;
  const p = createTwelveDataProvider({
    apiKey: KEY,
    baseUrl: 'https://td.example/',
    fetch: fetchImpl,
    now: options.now,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { p, calls, sleeps };
}

const ctx = (deadlineMs = Date.now() + 30_000) => ({ signal: new AbortController().signal, deadlineMs });

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  const toolError = error as ToolError;
  // The key never leaves the provider: not in the message, not in the details.
  expect(JSON.stringify({ message: toolError.message, details: toolError.details })).not.toContain(KEY);
  return toolError;
}

describe('Twelve Data quote mapping', () => {
  it('reads the documented example: close as the price, last_quote_at as as_of, the trading day and currency', () => {
    const body = twelveDataQuoteSchema.parse(docQuote);
    expect(mapTwelveDataQuote('AAPL', body)).toEqual({
      symbol: 'AAPL',
      price: 148.85001,
      currency: 'USD',
      source: 'twelvedata',
      asOf: '2021-09-16T06:00:00.000Z',
      tradingDay: '2021-09-16',
      exchange: 'NASDAQ',
      marketOpen: false,
    });
  });

  it('falls back to the bar timestamp and USD, and refuses a zero price', () => {
    const { last_quote_at: _ignored, currency: _c, ...rest } = docQuote;
    const body = twelveDataQuoteSchema.parse({ ...rest, timestamp: 1_700_000_000, currency: undefined });
    expect(mapTwelveDataQuote('AAPL', body)).toMatchObject({ asOf: '2023-11-14T22:13:20.000Z', currency: 'USD' });
    expect(mapTwelveDataQuote('AAPL', twelveDataQuoteSchema.parse({ ...docQuote, close: '0.00' }))).toBeUndefined();
  });

  it('counts the seconds to the next full minute, when the per-minute credits reset', () => {
    expect(secondsUntilNextMinute(Date.UTC(2026, 0, 1, 10, 0, 45))).toBe(15);
    expect(secondsUntilNextMinute(Date.UTC(2026, 0, 1, 10, 0, 59, 500))).toBe(1);
    expect(secondsUntilNextMinute(Date.UTC(2026, 0, 1, 10, 0, 0))).toBe(60);
  });
});

describe('Twelve Data provider', () => {
  it('asks GET /quote?symbol= with the key in the Authorization header, never in the URL', async () => {
    const { p, calls } = provider([json(docQuote)]);
    const quote = await p.quote('AAPL', ctx());
    expect(quote).toMatchObject({ symbol: 'AAPL', price: 148.85001, source: 'twelvedata' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://td.example/quote?symbol=AAPL');
    expect(calls[0]!.url).not.toContain(KEY);
    expect(new Headers(calls[0]!.init?.headers).get('authorization')).toBe(`apikey ${KEY}`);
    expect(calls[0]!.init?.signal).toBeInstanceOf(AbortSignal);
    expect(p.live).toBe(true);
  });

  it('encodes symbols such as BRK.B and ^GSPC', async () => {
    const { p, calls } = provider([json({ ...docQuote, symbol: '^GSPC' })]);
    await p.quote('^GSPC', ctx());
    expect(calls[0]!.url).toBe('https://td.example/quote?symbol=%5EGSPC');
  });

  for (const [label, status] of [
    ['with the HTTP status equal to code', undefined],
    ['with HTTP 200', 200],
  ] as const) {
    describe(`errors sent ${label}`, () => {
      const send = (body: { code: number }) => json(body, status ?? body.code);

      it('answers "no price" for an unknown or invalid symbol', async () => {
        expect(await provider([send(symbolNotFound)]).p.quote('NOTFOUND', ctx())).toBeUndefined();
        expect(await provider([send(symbolInvalid)]).p.quote('NOTFOUND', ctx())).toBeUndefined();
      });

      it('reports a rejected key as an operator problem, not retryable', async () => {
        const error = await failure(provider([send(invalidKey)]).p.quote('AAPL', ctx()));
        expect(error.message).toMatch(/rejected this deployment's API key/);
        expect(error.details).toMatchObject({ status: 401, retryable: false, source: 'twelvedata' });
      });

      it('waits for the minute to turn once when that fits the budget, then answers', async () => {
        const now = () => Date.UTC(2026, 0, 1, 10, 0, 57);
        const { p, calls, sleeps } = provider([send(minuteLimit), json(docQuote)], { now });
        expect(await p.quote('AAPL', ctx(now() + 30_000))).toMatchObject({ price: 148.85001 });
        expect(sleeps).toEqual([3_000]);
        expect(calls).toHaveLength(2);
      });

      it('does not wait past the budget: a throttled answer becomes a rate-limit error with retry guidance', async () => {
        const now = () => Date.UTC(2026, 0, 1, 10, 0, 10);
        const { p, calls, sleeps } = provider([send(minuteLimit)], { now });
        const error = await failure(p.quote('AAPL', ctx(now() + 30_000)));
        expect(sleeps).toEqual([]);
        expect(calls).toHaveLength(1);
        expect(error.message).toMatch(/rate limiting.*Retry in about 50 seconds/);
        expect(error.details).toMatchObject({ status: 429, rateLimited: true, retryable: true, retryAfterSeconds: 50, attempts: 1 });
      });

      it('stops after one wait when still throttled', async () => {
        const now = () => Date.UTC(2026, 0, 1, 10, 0, 58);
        const { p, calls, sleeps } = provider([send(minuteLimit), send(minuteLimit)], { now });
        const error = await failure(p.quote('AAPL', ctx(now() + 30_000)));
        expect(sleeps).toHaveLength(1);
        expect(calls).toHaveLength(2);
        expect(error.details).toMatchObject({ attempts: 2, rateLimited: true });
      });

      it('never waits on the daily quota', async () => {
        const { p, sleeps } = provider([send(dailyLimit)]);
        const error = await failure(p.quote('AAPL', ctx()));
        expect(sleeps).toEqual([]);
        expect(error.message).toMatch(/daily quota/);
        expect(error.details).toMatchObject({ status: 429, rateLimited: true, retryable: false });
        expect(error.details).not.toHaveProperty('retryAfterSeconds');
      });

      it('names a plan limit and a server error', async () => {
        const plan = await failure(provider([send(planLimit)]).p.quote('XYZ', ctx()));
        expect(plan.message).toMatch(/does not serve XYZ on this deployment's plan/);
        expect(plan.details).toMatchObject({ status: 403, retryable: false });
        const server = await failure(provider([send(internalError)]).p.quote('AAPL', ctx()));
        expect(server.message).toMatch(/server error \(500\)/);
        expect(server.details).toMatchObject({ status: 500, retryable: true });
      });
    });
  }

  it('keeps the key out of vendor text it repeats', async () => {
    const echoing = { code: 403, message: `key ${KEY} cannot access XYZ`, status: 'error' };
    const error = await failure(provider([json(echoing, 403)]).p.quote('XYZ', ctx()));
    expect(error.message).toContain('[redacted]');
  });

  it('fails on an unreadable body, a quote for another symbol, and an unreachable service', async () => {
    expect((await failure(provider([new Response('<html>gateway</html>', { status: 200 })]).p.quote('AAPL', ctx()))).message).toMatch(/cannot read/);
    expect((await failure(provider([new Response('oops', { status: 502 })]).p.quote('AAPL', ctx()))).details).toMatchObject({ status: 502 });
    expect((await failure(provider([json(docQuote)]).p.quote('MSFT', ctx()))).message).toMatch(/answered for AAPL, not MSFT/);
    const unreachable = await failure(
      provider([
        () => {
          throw new TypeError(`fetch failed for https://td.example/quote?apikey=${KEY}`);
        },
      ]).p.quote('AAPL', ctx()),
    );
    expect(unreachable.message).toMatch(/could not be reached/);
  });

  it('lets an abort through as the abort, not as a tool error', async () => {
    const controller = new AbortController();
    const reason = new Error('budget over');
    controller.abort(reason);
    const { p } = provider([
      () => {
        throw reason;
      },
    ]);
    await expect(p.quote('AAPL', { signal: controller.signal, deadlineMs: Date.now() })).rejects.toBe(reason);
  });
});
