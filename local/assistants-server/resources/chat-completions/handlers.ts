// POST /chat/completions (and Azure's /deployments/{deployment}/chat/completions), served by the same model as runs.
import { EventChannel } from '../../engine/events';
import type { HandlerResult, RequestContext, Route } from '../../http/context';
import { parseOrThrow } from '../../http/validate';
import type { ChatRequest } from '../../model/model';
import type { ChatCompletion } from '../../store/wire-types';
import { chatCompletionSchema } from './validation';

async function complete(ctx: RequestContext): Promise<HandlerResult> {
  const raw = await ctx.json();
  // Azure names the model by its deployment; the body's model is optional there.
  const body = parseOrThrow(chatCompletionSchema, ctx.params.deployment && raw.model === undefined ? { ...raw, model: ctx.params.deployment } : raw);
  const { completion, delayMs } = await ctx.services.model.complete(body as ChatRequest);
  if (delayMs > 0) await ctx.services.clock.sleep(delayMs);
  if (!body.stream) return { json: completion };
  const channel = new EventChannel();
  for (const chunk of toChunks(completion, body.stream_options?.include_usage === true)) channel.push({ event: '', data: chunk });
  channel.push({ event: '', data: '[DONE]' });
  return { events: channel };
}

/** The completion as the chunk sequence a streamed response carries. */
function toChunks(completion: ChatCompletion, includeUsage: boolean): unknown[] {
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, system_fingerprint: completion.system_fingerprint };
  const choice = completion.choices[0]!;
  const chunk = (delta: unknown, finish: string | null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  if (choice.message.content) chunks.push(chunk({ content: choice.message.content }, null));
  (choice.message.tool_calls ?? []).forEach((call, index) => {
    if (call.type === 'function') chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] }, null));
  });
  chunks.push(chunk({}, choice.finish_reason));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}

export const chatCompletionRoutes: Route[] = [
  { method: 'POST', path: '/chat/completions', handler: complete },
  { method: 'POST', path: '/deployments/{deployment}/chat/completions', statsPath: '/chat/completions', handler: complete },
];
