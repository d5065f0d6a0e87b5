// The Assistants front-end's view for the model: a run, its thread's finished messages and this run's
// tool steps become the protocol-neutral TurnContext.
import { messageText, type CallRecord, type ToolChoice, type TranscriptEntry, type TurnContext } from '../model/model';
import { estimateTokens } from './usage';
import type { StoredRun, State } from '../store/state';
import type { Message, Run, RunStep } from '../store/wire-types';

function finishedMessages(state: State, run: Run): Message[] {
  return [...state.threadMessages(run.thread_id).values()].filter((m) => m.status !== 'in_progress');
}

function steps(state: State, run: Run): RunStep[] {
  return [...state.runSteps(run.id).values()];
}

function functionCalls(step: RunStep): CallRecord[] {
  if (step.step_details.type !== 'tool_calls') return [];
  return step.step_details.tool_calls.flatMap((c) =>
    c.type === 'function' ? [{ callId: c.id, name: c.function.name, arguments: c.function.arguments, output: c.function.output ?? null }] : [],
  );
}

function toolChoiceOf(run: Run): ToolChoice {
  const choice = run.tool_choice;
  if (choice === null || choice === undefined) return 'auto';
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && choice.function) return { function: choice.function.name };
  return { builtin: choice.type === 'code_interpreter' ? 'code_interpreter' : 'file_search' };
}

export function runTurnContext(state: State, stored: StoredRun): TurnContext {
  const { run } = stored;
  const transcript: TranscriptEntry[] = finishedMessages(state, run).map((m) => ({ kind: 'text', role: m.role, text: messageText(m) }));
  const runSteps = steps(state, run);
  for (const step of runSteps) {
    const calls = functionCalls(step);
    if (calls.length > 0 && step.status === 'completed') transcript.push({ kind: 'calls', calls });
  }
  const last = runSteps.at(-1);
  const justAnswered = last && last.status === 'completed' ? functionCalls(last) : [];
  return {
    model: run.model,
    instructions: run.instructions,
    functions: run.tools.flatMap((t) => (t.type === 'function' ? [{ name: t.function.name, description: t.function.description, parameters: t.function.parameters }] : [])),
    builtins: run.tools.flatMap((t) => (t.type === 'function' ? [] : [t.type])),
    toolChoice: toolChoiceOf(run),
    parallelToolCalls: run.parallel_tool_calls,
    temperature: run.temperature ?? null,
    transcript,
    justAnswered,
    scope: { threadId: run.thread_id, assistantId: run.assistant_id },
  };
}

/** Tokens the model reads: instructions, the thread's messages and this run's tool traffic. */
export function runPromptTokens(state: State, stored: StoredRun): number {
  const { run } = stored;
  const toolText = steps(state, run)
    .flatMap((s) => (s.step_details.type === 'tool_calls' ? s.step_details.tool_calls : []))
    .map((c) => (c.type === 'function' ? c.function.arguments + (c.function.output ?? '') : c.type === 'code_interpreter' ? c.code_interpreter.input : ''))
    .join('');
  return estimateTokens(run.instructions + finishedMessages(state, run).map(messageText).join('') + toolText);
}
