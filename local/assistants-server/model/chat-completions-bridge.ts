// A model backed by any OpenAI-compatible chat completions endpoint, for both protocols: the turn's
// instructions, transcript (messages, function calls and their outputs) and function tools are sent;
// tool calls in the answer become function calls (requires_action / function_call items), text becomes
// the reply. Chat completions requests are forwarded as they are.
import type { ChatCompletion } from '../store/wire-types';
import type { ChatRequest, Model, TurnContext } from './model';
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
    const tools = context.functions.map((f) => ({
      type: 'function' as const,
      function: { name: f.name, ...(f.description ? { description: f.description } : {}), ...(f.parameters ? { parameters: f.parameters } : {}) },
    }));
    const request: ChatRequest = {
      model: this.options.model ?? context.model,
      messages: toChatMessages(context),
      ...(tools.length > 0 ? { tools, parallel_tool_calls: context.parallelToolCalls, tool_choice: chatToolChoice(context) } : {}),
      ...(context.temperature != null ? { temperature: context.temperature } : {}),
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

/** The conversation in chat form: system instructions, then the transcript with answered function calls. */
function toChatMessages(context: TurnContext): ChatRequest['messages'] {
  const out: ChatRequest['messages'] = [];
  if (context.instructions) out.push({ role: 'system', content: context.instructions });
  for (const entry of context.transcript) {
    if (entry.kind === 'text') {
      out.push({ role: entry.role === 'developer' ? 'system' : entry.role, content: entry.text });
      continue;
    }
    const calls = entry.calls.filter((c) => c.output !== null);
    if (calls.length === 0) continue;
    out.push({ role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.callId, type: 'function', function: { name: c.name, arguments: c.arguments } })) });
    for (const call of calls) out.push({ role: 'tool', tool_call_id: call.callId, content: call.output ?? '' });
  }
  return out;
}

function chatToolChoice(context: TurnContext): unknown {
  const choice = context.toolChoice;
  if (typeof choice === 'string') return choice;
  return 'function' in choice ? { type: 'function', function: { name: choice.function } } : 'auto';
}
