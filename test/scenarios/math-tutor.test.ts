// Training notebook "Math Tutor": the tutor writes and runs code, then answers.
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { scenario, textOf } from './support';

const stack = useStack();
const s = scenario(stack, 'student');

describe('scenario: Math Tutor (math-tutor)', () => {
  it('solves an equation with the code interpreter and answers with the steps', async () => {
    const threadId = await s.newThread('math-tutor');
    await s.script(threadId, [
      { code_interpreter: { input: 'from sympy import symbols, Eq, solve\nx = symbols("x")\nsolve(Eq(3*x + 11, 14), x)', logs: '[1]' } },
      { message: 'Subtract 11 from both sides: 3x = 3. Divide both sides by 3.\nx = 1' },
    ]);
    const runId = await s.ask(threadId, 'I need to solve the equation `3x + 11 = 14`. Can you help me?');
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'math-tutor', routed_to: null, tool_calls: [] });

    // The code interpreter step, then the answer.
    const steps = (await s.api.get(`/threads/${threadId}/runs/${runId}/steps?order=asc`)).body!.data as Array<{ type: string; tool_calls: Array<{ type: string }> }>;
    expect(steps.map((step) => step.type)).toEqual(['tool_calls', 'message_creation']);
    expect(steps[0]!.tool_calls).toEqual([expect.objectContaining({ type: 'code_interpreter' })]);

    const reply = await s.reply(threadId, runId);
    expect(reply).toHaveLength(1);
    expect(reply[0]).toMatchObject({ role: 'assistant', assistant: 'math-tutor', run_id: runId });
    expect(textOf(reply)).toContain('x = 1');
  });
});
