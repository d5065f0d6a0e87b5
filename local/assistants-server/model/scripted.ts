// The deterministic default model.
// Runs: queued script turns first (thread match beats assistant match beats global); with no script,
//   - right after tool outputs were submitted: a reply quoting each output (`send_email returned: {...}`);
//   - a user message with lines `/call <function_name> <JSON arguments>` naming functions among the
//     run's tools: those tool calls (several lines → parallel calls);
//   - anything else: `Echo: <the user's text>`.
// Chat completions: queued `chat` turns first (FIFO), otherwise `Echo: <last user message>`.
import { estimateTokens, usageOf } from '../engine/usage';
import { newId } from '../store/ids';
import type { Scripts } from '../store/state';
import type { ChatCompletion } from '../store/wire-types';
import { messageText, type ChatRequest, type Model, type TurnContext } from './model';
import { fromScript, type ScriptTurn, type Turn } from './turns';

const CALL_LINE = /^\/call\s+(\S+)\s*(.*)$/;

export class ScriptedModel implements Model {
  constructor(
    private readonly scripts: () => Scripts,
    private readonly onConsumed: () => void,
    private readonly nowSeconds: () => number,
  ) {}

  async nextTurn(context: TurnContext): Promise<Turn> {
    const scripted = this.takeScripted(context);
    if (scripted) return fromScript(scripted);
    return defaultTurn(context);
  }

  async complete(request: ChatRequest): Promise<{ completion: ChatCompletion; delayMs: number }> {
    const queued = this.scripts().chat.shift();
    if (queued) this.onConsumed();
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
    const prompt = estimateTokens(request.messages.map((m) => contentText(m.content)).join(''));
    const base = { id: newId.chatCompletion(), object: 'chat.completion' as const, created: this.nowSeconds(), model: request.model, system_fingerprint: 'fp_local' };
    if (queued && 'tool_calls' in queued) {
      const toolCalls = queued.tool_calls.map((c) => ({ id: newId.toolCall(), type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
      return {
        delayMs: queued.delay_ms ?? 0,
        completion: {
          ...base,
          choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, refusal: null, tool_calls: toolCalls } }],
          usage: usageOf(prompt, estimateTokens(JSON.stringify(queued.tool_calls))),
        },
      };
    }
    const content = queued ? queued.content : `Echo: ${contentText(lastUser?.content)}`;
    return {
      delayMs: queued?.delay_ms ?? 0,
      completion: {
        ...base,
        choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }],
        usage: usageOf(prompt, estimateTokens(content)),
      },
    };
  }

  private takeScripted(context: TurnContext): ScriptTurn | undefined {
    const scripts = this.scripts();
    const queues = [scripts.byThread[context.thread.id], scripts.byAssistant[context.run.assistant_id], scripts.global];
    const queue = queues.find((q) => q && q.length > 0);
    const turn = queue?.shift();
    if (turn) this.onConsumed();
    return turn;
  }
}

function defaultTurn(context: TurnContext): Turn {
  const { run, steps, messages } = context;
  const last = steps.at(-1);
  if (last?.step_details.type === 'tool_calls' && last.status === 'completed') {
    const answered = last.step_details.tool_calls.flatMap((c) => (c.type === 'function' ? [`${c.function.name} returned: ${c.function.output ?? ''}`] : []));
    if (answered.length > 0) return { kind: 'message', text: answered.join('\n'), delayMs: 0 };
  }
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = lastUser ? messageText(lastUser) : '';
  const functions = new Set(run.tools.flatMap((t) => (t.type === 'function' ? [t.function.name] : [])));
  if (run.tool_choice !== 'none') {
    const calls = text
      .split(/\r?\n/)
      .map((line) => CALL_LINE.exec(line.trim()))
      .flatMap((m) => (m && functions.has(m[1]!) ? [{ name: m[1]!, arguments: m[2]?.trim() || '{}' }] : []));
    if (calls.length > 0) return { kind: 'tool_calls', calls, delayMs: 0 };
  }
  return { kind: 'message', text: `Echo: ${text}`, delayMs: 0 };
}

/** Text of a chat message's content, whether a string or a list of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { type?: string; text?: string }) => (p?.type === 'text' ? (p.text ?? '') : '')).join('');
  return '';
}
