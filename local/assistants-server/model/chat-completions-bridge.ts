// A model backed by any OpenAI-compatible chat completions endpoint: a run's instructions, thread
// messages, this run's tool traffic and its function tools are sent; tool calls in the answer become
// requires_action, text becomes the assistant's reply. Chat completions requests are forwarded as they are.
import type { ChatCompletion } from '../store/wire-types';
import { messageText, type ChatRequest, type Model, type TurnContext } from './model';
import type { Turn } from './turns';

export interface BridgeOptions {
  url: string;
  key?: string;
  model?: string;
  fetch?: typeof fetch;
}

export class ChatCompletionsBridge implements Model {
  private readonly endpoint: string;

  constructor(private readonly options: BridgeOptions) {
    const base = options.url.replace(/\/+$/, '');
    this.endpoint = base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
  }

  async nextTurn(context: TurnContext): Promise<Turn> {
    const tools = context.run.tools.flatMap((t) =>
      t.type === 'function'
        ? [{ type: 'function' as const, function: { name: t.function.name, description: t.function.description, parameters: t.function.parameters } }]
        : [],
    );
    const request: ChatRequest = {
      model: this.options.model ?? context.run.model,
      messages: toChatMessages(context),
      ...(tools.length > 0 ? { tools, parallel_tool_calls: context.run.parallel_tool_calls } : {}),
      ...(context.run.temperature != null ? { temperature: context.run.temperature } : {}),
    };
    const completion = await this.post(request);
    const message = completion.choices[0]?.message;
    if (!message) throw new Error('The model returned no choices.');
    const calls = (message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ name: c.function.name, arguments: c.function.arguments }] : []));
    if (calls.length > 0) return { kind: 'tool_calls', calls, delayMs: 0 };
    return { kind: 'message', text: message.content ?? message.refusal ?? '', delayMs: 0 };
  }

  async complete(request: ChatRequest): Promise<{ completion: ChatCompletion; delayMs: number }> {
    return { completion: await this.post({ ...request, ...(this.options.model ? { model: this.options.model } : {}), stream: false }), delayMs: 0 };
  }

  private async post(body: ChatRequest): Promise<ChatCompletion> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.key) {
      headers.authorization = `Bearer ${this.options.key}`;
      headers['api-key'] = this.options.key;
    }
    const response = await (this.options.fetch ?? fetch)(this.endpoint, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`The model endpoint answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as ChatCompletion;
  }
}

/** The conversation in chat form: system instructions, the thread's messages, then this run's tool calls and outputs. */
function toChatMessages(context: TurnContext): ChatRequest['messages'] {
  const out: ChatRequest['messages'] = [];
  if (context.run.instructions) out.push({ role: 'system', content: context.run.instructions });
  for (const message of context.messages) out.push({ role: message.role, content: messageText(message) });
  for (const step of context.steps) {
    if (step.step_details.type !== 'tool_calls' || step.status !== 'completed') continue;
    const calls = step.step_details.tool_calls.flatMap((c) => (c.type === 'function' ? [c] : []));
    if (calls.length === 0) continue;
    out.push({ role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } })) });
    for (const call of calls) out.push({ role: 'tool', tool_call_id: call.id, content: call.function.output ?? '' });
  }
  return out;
}
