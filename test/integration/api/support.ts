// Helpers for the frontend API suites: raw HTTP calls, a small Server-Sent Events reader, the function
// list the local Functions host prints at startup, and scripting the local Assistants server.
import http from 'node:http';
import type { RunEventType, STREAM_DONE_EVENT } from '../../../src/runs/run-facts';
import type { Stack } from '../../support/stack';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields freely
export type Json = any;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: Json;
}

/** One HTTP call with full control over headers and body (no JSON encoding, no default headers). */
export async function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<RawResponse> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A POST on its own connection that is closed afterwards (node:http, no agent). For bodies the app rejects
 * before reading them (413): the local host leaves such a connection unusable (see the suite's report), so
 * it must not go back into fetch's keep-alive pool.
 */
export function postOnFreshConnection(url: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: 'POST', agent: false, headers: { ...headers, 'content-length': String(body.byteLength), connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
        });
        res.on('error', reject);
      },
    );
    // The server may answer and close before the whole body is written; the answer is what matters.
    req.on('error', reject);
    req.end(body);
  });
}

/** What the run events stream sends: the run's recorded events (src/runs/run-facts.ts), then `done`; `error` if it fails. */
export type SseEventName = RunEventType | typeof STREAM_DONE_EVENT | 'error';

export interface SseMessage {
  id?: string;
  event?: SseEventName;
  data: string;
}

export interface SseRead {
  status: number;
  headers: Headers;
  events: SseMessage[];
  /** True when the server ended the stream; false when we stopped reading (disconnected). */
  ended: boolean;
}

/**
 * Reads a text/event-stream with fetch and a line parser (the WHATWG rules this API uses: `field: value`
 * lines, blank line dispatches, `:` comments ignored). Stops and disconnects once `until` says so, or
 * when the server ends the stream, or after `timeoutMs`.
 */
export async function readSse(url: string, headers: Record<string, string>, options: { until?: (events: SseMessage[]) => boolean; timeoutMs?: number } = {}): Promise<SseRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 60_000);
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, events: [], ended: true };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const events: SseMessage[] = [];
    let buffer = '';
    let current: Partial<SseMessage> & { dataLines?: string[] } = {};
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { status: response.status, headers: response.headers, events, ended: true };
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\n|\r/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (current.dataLines) events.push({ ...(current.id !== undefined ? { id: current.id } : {}), ...(current.event !== undefined ? { event: current.event } : {}), data: current.dataLines.join('\n') });
          current = {};
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') current.dataLines = [...(current.dataLines ?? []), value];
        else if (field === 'id') current.id = value;
        else if (field === 'event') current.event = value as SseEventName;
      }
      if (options.until?.(events)) {
        await reader.cancel();
        return { status: response.status, headers: response.headers, events, ended: false };
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

export interface HostFunction {
  name: string;
  method: string;
  /** The route as the host registered it, relative to the route prefix, e.g. 'threads/{threadId}'. */
  route: string;
}

/** The web chat's function, at the site root rather than under /api (src/functions/web-page.ts). */
export const WEB_PAGE_FUNCTION = 'webPage';

/** The API's HTTP functions the host printed in its startup banner (`  name: [GET,POST] http://…/api/route`). */
export function registeredHttpFunctions(stack: Pick<Stack, 'host' | 'api'>): HostFunction[] {
  const out: HostFunction[] = [];
  for (const match of stack.host.logs().matchAll(/^ {2}(\w+): \[([A-Z,]+)\] (\S+)$/gm)) {
    const [, name, methods, url] = match as unknown as [string, string, string, string];
    if (name === WEB_PAGE_FUNCTION) continue;
    if (!url.startsWith(`${stack.api}/`)) throw new Error(`unexpected function URL ${url} (route prefix of ${stack.api})`);
    for (const method of methods.split(',')) out.push({ name, method, route: url.slice(stack.api.length + 1) });
  }
  return out;
}

/** Queues scripted model turns for one thread on the local server, on the stack's protocol. */
export async function scriptTurns(stack: Pick<Stack, 'script'>, threadId: string, turns: unknown[]): Promise<void> {
  await stack.script(threadId, turns);
}

export { TERMINAL_RUN_STATUSES } from '../../../src/runs/run-facts';
