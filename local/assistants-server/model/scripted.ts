// The deterministic default model.
// Runs and responses alike: queued script turns first (thread, then conversation, then assistant, then
// global); with no script,
//   - right after function outputs arrived: a reply quoting each output (`send_email returned: {...}`);
//   - a user message with lines `/call <function_name> <JSON arguments>` naming function tools of the
//     turn: those tool calls (several lines → parallel calls; none with tool_choice none; a forced
//     function, or the first one with tool_choice required, is called with `{}` when no line asks);
//   - anything else: `Echo: <the user's text>`.
// Chat completions: queued `chat` turns first (FIFO), otherwise `Echo: <last user message>`.
import { estimateTokens, usageOf } from '../engine/usage';
import { newId } from '../store/ids';
import type { Scripts } from '../store/state';
import type { ChatCompletion } from '../store/wire-types';
import { lastUserText, type ChatRequest, type Model, type TurnContext } from './model';
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
    const { threadId, conversationId, assistantId } = context.scope;
    const queues = [
      threadId ? scripts.byThread[threadId] : undefined,
      conversationId ? scripts.byConversation[conversationId] : undefined,
      assistantId ? scripts.byAssistant[assistantId] : undefined,
      scripts.global,
    ];
    const queue = queues.find((q) => q && q.length > 0);
    const turn = queue?.shift();
    if (turn) this.onConsumed();
    return turn;
  }
}

function defaultTurn(context: TurnContext): Turn {
  if (context.justAnswered.length > 0) {
    return { kind: 'message', text: context.justAnswered.map((c) => `${c.name} returned: ${c.output ?? ''}`).join('\n'), delayMs: 0 };
  }
  const text = lastUserText(context.transcript);
  const calls = requestedCalls(context, text);
  if (calls.length > 0) return { kind: 'tool_calls', calls, delayMs: 0 };
  return { kind: 'message', text: `Echo: ${text}`, delayMs: 0 };
}

/** The `/call` lines naming the turn's functions, as tool_choice allows (a forced or required call is made with `{}` if none asks). */
function requestedCalls(context: TurnContext, text: string): { name: string; arguments: string }[] {
  const { toolChoice, functions } = context;
  if (toolChoice === 'none') return [];
  const names = new Set(functions.map((f) => f.name));
  const calls = text
    .split(/\r?\n/)
    .map((line) => CALL_LINE.exec(line.trim()))
    .flatMap((m) => (m && names.has(m[1]!) ? [{ name: m[1]!, arguments: m[2]?.trim() || '{}' }] : []));
  if (typeof toolChoice === 'object' && 'function' in toolChoice) {
    const forced = calls.filter((c) => c.name === toolChoice.function);
    return forced.length > 0 ? forced : [{ name: toolChoice.function, arguments: '{}' }];
  }
  if (toolChoice === 'required' && calls.length === 0 && functions[0]) return [{ name: functions[0].name, arguments: '{}' }];
  return calls;
}

/** Text of a chat message's content, whether a string or a list of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { type?: string; text?: string }) => (p?.type === 'text' ? (p.text ?? '') : '')).join('');
  return '';
}
