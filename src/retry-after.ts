// How long a server asks a client to wait before trying again: the one Retry-After reader.
// The openai SDK reads these headers itself for the retries it makes; this is for the answers
// we pass on (429/503 Retry-After to frontends, the worker's re-queue delay) and our own HTTP calls.

/** `retry-after-ms` (OpenAI, Azure) first, then Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Pick<Headers, 'get'> | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
