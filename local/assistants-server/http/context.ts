// What a route handler receives and may return.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../engine/clock';
import type { EventChannel } from '../engine/events';
import type { ResponseEngine } from '../engine/response-engine';
import type { RunEngine } from '../engine/run-engine';
import type { Model } from '../model/model';
import type { Store } from '../store/store';

export type UrlStyle = 'openai' | 'azure' | 'foundry';

export interface Services {
  store: Store;
  clock: Clock;
  engine: RunEngine;
  /** The Responses lifecycle (the second protocol front-end over the same model). */
  responses: ResponseEngine;
  model: Model;
  maxFileBytes: number;
}

export interface RequestContext {
  services: Services;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  style: UrlStyle;
  /** The JSON body ({} when empty); 400 when it is not a JSON object. */
  json(): Promise<Record<string, unknown>>;
  /** The multipart/form-data body. */
  form(): Promise<FormData>;
  /** Attributes this request to a run or response in GET /_admin/stats (for ones the request creates). */
  touchRun(runId: string): void;
}

export type HandlerResult =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | { binary: Buffer; contentType: string; headers?: Record<string, string> }
  | { events: EventChannel; headers?: Record<string, string> };

export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the URL style's prefix, e.g. /threads/{thread_id}/runs. */
  path: string;
  /** Name in GET /_admin/stats when it differs from the path (Azure's deployments path). */
  statsPath?: string;
  handler: Handler;
}
