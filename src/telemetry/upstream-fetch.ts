// The `fetch` handed to the `openai` client (createUpstreamClient(config, { fetch })): every request to the model
// service, each retry included, is an HTTP client span with GenAI attributes, and counts toward the upstream
// metrics (calls, errors by kind, calls per delivery). Recorded: method, host, a path template with ids replaced,
// status, and the model and token counts. Never recorded: query strings (Azure keys and signatures live there),
// headers, or bodies (messages, tool outputs).
import { context, propagation, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { Provider } from '../config';
import { ATTR } from './attributes';
import { countUpstreamCall } from './delivery';
import { instruments } from './instruments';
import { errorType, inSpan } from './spans';

export interface UpstreamFetchOptions {
  provider: Provider;
  /** The model deployment the assistants run on (gen_ai.request.model when a request names none). */
  model: string;
  fetch?: typeof fetch;
}

export function tracedUpstreamFetch(options: UpstreamFetchOptions): typeof fetch {
  const inner = options.fetch ?? globalThis.fetch;
  const system = options.provider === 'azure-openai' || options.provider === 'foundry' ? 'az.ai.openai' : 'openai';
  return async (input, init) => {
    // Not `new Request(input, init)`: that would take over a streamed body the SDK still has to send.
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const template = pathTemplate(url.pathname);
    const operation = genAiOperation(method, template);
    const model = operation ? (requestedModel(init?.body) ?? options.model) : undefined;
    const attributes: Attributes = {
      [ATTR.httpMethod]: method,
      [ATTR.serverAddress]: url.hostname,
      [ATTR.serverPort]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      [ATTR.urlTemplate]: template,
      [ATTR.genAiSystem]: system,
      [ATTR.genAiProvider]: system === 'openai' ? 'openai' : 'azure.ai.openai',
      ...(operation ? { [ATTR.genAiOperation]: operation } : {}),
      ...(model ? { [ATTR.genAiRequestModel]: model } : {}),
    };
    const metric = { [ATTR.httpMethod]: method, ...(operation ? { [ATTR.genAiOperation]: operation } : {}) };
    countUpstreamCall();
    instruments().upstreamCalls.add(1, metric);
    return inSpan(`${method} ${template}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
      let response: Response;
      try {
        response = await inner(input, { ...init, headers });
      } catch (error) {
        instruments().upstreamErrors.add(1, { ...metric, [ATTR.errorType]: thrownKind(error) });
        throw error;
      }
      span.setAttribute(ATTR.httpStatus, response.status);
      if (response.status >= 400) {
        const kind = statusKind(response.status);
        instruments().upstreamErrors.add(1, { ...metric, [ATTR.errorType]: kind, [ATTR.httpStatus]: response.status });
        span.setAttribute(ATTR.errorType, kind).setStatus({ code: SpanStatusCode.ERROR });
      } else if (operation && /application\/json/.test(response.headers.get('content-type') ?? '')) {
        span.setAttributes(await usageOf(response));
      }
      return response;
    });
  };
}

/** `/v1/threads/thread_abc/runs/run_def` → `/v1/threads/{id}/runs/{id}`: a bounded span name. */
export function pathTemplate(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (/^[A-Za-z]+_[A-Za-z0-9-]{6,}$|^[0-9a-f-]{16,}$|^\d+$/i.test(segment) ? '{id}' : segment))
    .join('/');
}

function genAiOperation(method: string, template: string): string | undefined {
  if (method !== 'POST') return undefined;
  if (/\/runs$|\/submit_tool_outputs$/.test(template)) return 'invoke_agent';
  if (/\/chat\/completions$|\/responses$/.test(template)) return 'chat';
  return undefined;
}

/** `model` of a JSON request body, nothing else of it. */
function requestedModel(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length > 1_000_000 || !body.includes('"model"')) return undefined;
  try {
    const model = (JSON.parse(body) as { model?: unknown }).model;
    return typeof model === 'string' && model.length <= 128 ? model : undefined;
  } catch {
    return undefined;
  }
}

/** Token counts of a (non-streamed) JSON answer, read from a clone so the SDK still reads the original. */
async function usageOf(response: Response): Promise<Attributes> {
  try {
    const body = (await response.clone().json()) as { usage?: Record<string, unknown>; model?: unknown };
    const usage = body.usage ?? {};
    const input = usage.prompt_tokens ?? usage.input_tokens;
    const output = usage.completion_tokens ?? usage.output_tokens;
    return {
      ...(typeof input === 'number' ? { [ATTR.genAiInputTokens]: input } : {}),
      ...(typeof output === 'number' ? { [ATTR.genAiOutputTokens]: output } : {}),
      ...(typeof body.model === 'string' && body.model.length <= 128 ? { 'gen_ai.response.model': body.model } : {}),
    };
  } catch {
    return {};
  }
}

/** Upstream errors by kind, the `error.type` of the upstream error metric. */
export function statusKind(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

function thrownKind(error: unknown): string {
  const type = errorType(error);
  return type === 'AbortError' ? 'aborted' : type === 'TimeoutError' ? 'timeout' : 'network';
}
