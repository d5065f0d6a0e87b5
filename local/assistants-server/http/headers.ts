// Headers the service sends: request ids, rate-limit state and the poll hint the SDK's pollers read.
import { randomUUID } from 'node:crypto';
import type { UrlStyle } from './context';

/** `openai-poll-after-ms` on run and vector-store reads: how long createAndPoll and friends wait. */
export const POLL_HEADERS = { 'openai-poll-after-ms': '100' };

const REQUEST_LIMIT = 10_000;
const TOKEN_LIMIT = 2_000_000;

/** A one-minute window of protocol requests, for x-ratelimit-remaining-requests. */
export class RateWindow {
  private windowStart = Date.now();
  private count = 0;

  hit(): Record<string, string> {
    const now = Date.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    const resetMs = Math.max(1, 60_000 - (now - this.windowStart));
    return {
      'x-ratelimit-limit-requests': String(REQUEST_LIMIT),
      'x-ratelimit-remaining-requests': String(Math.max(0, REQUEST_LIMIT - this.count)),
      'x-ratelimit-reset-requests': `${(resetMs / 1000).toFixed(3)}s`,
      'x-ratelimit-limit-tokens': String(TOKEN_LIMIT),
      'x-ratelimit-remaining-tokens': String(TOKEN_LIMIT),
      'x-ratelimit-reset-tokens': '0s',
    };
  }

  reset(): void {
    this.windowStart = Date.now();
    this.count = 0;
  }
}

export function styleHeaders(style: UrlStyle): Record<string, string> {
  return style === 'openai' ? { 'openai-version': '2020-10-01' } : { 'apim-request-id': randomUUID() };
}
