// Training notebook "Copilot" (two agents and a router): `assistant: "auto"` lets one model call (a chat
// completion, or an unstored response on Responses) pick the assistant by intent; `other` is answered directly without a run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { scenario, textOf, type MessageView, type RunView } from './support';

const stack = useStack();
const s = scenario(stack, 'copilot-user');
const msft = (JSON.parse(readFileSync(path.resolve(__dirname, '../../src/tools/stock-prices.fixture.json'), 'utf8')) as { prices: Record<string, number> }).prices.MSFT!;

/**
 * Requests that would start model work upstream, from the local server's counters: Assistants runs, or
 * responses (on Responses the router's own calls are unstored responses too).
 */
async function modelCalls(): Promise<number> {
  const stats = (await (await fetch(`${stack().assistants.url}/_admin/stats`)).json()) as { by_route: Record<string, number> };
  const routes = stack().protocol === 'assistants' ? ['POST /threads/{thread_id}/runs', 'POST /threads/runs'] : ['POST /responses'];
  return routes.reduce((sum, route) => sum + (stats.by_route[route] ?? 0), 0);
}

describe('scenario: Copilot router (auto)', () => {
  let autoThread: string;

  it('offers auto routing', async () => {
    const listed = await s.api.get('/assistants');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ auto: true });
    autoThread = await s.newThread('auto');
    expect((await s.api.get(`/threads/${autoThread}`)).body).toMatchObject({ assistant: 'auto' });
  });

  it('routes a stock price question to the trading agent', async () => {
    await s.scriptChat('trading');
    await s.script(autoThread, [
      { tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }] },
      { message: `MSFT is trading at $${msft.toFixed(2)}.` },
    ]);
    const runId = await s.ask(autoThread, 'What is the price of MSFT?');
    const run = await s.finished(autoThread, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'auto', routed_to: 'trading' });
    expect(run.tool_calls).toEqual([expect.objectContaining({ name: 'get_stock_price', status: 'completed' })]);
    const reply = await s.reply(autoThread, runId);
    // The trading assistant ran it upstream.
    expect(reply).toEqual([expect.objectContaining({ role: 'assistant', assistant: 'trading' })]);
    expect(textOf(reply)).toContain(`$${msft.toFixed(2)}`);
  });

  it('routes a math question, posted with assistant "auto" on an ordinary thread, to the math tutor', async () => {
    const threadId = await s.newThread();
    await s.scriptChat('math-tutor');
    await s.script(threadId, [{ code_interpreter: { input: 'print(17 * 23)', logs: '391' } }, { message: '17 × 23 = 391' }]);
    const runId = await s.ask(threadId, 'What is 17 times 23?', { assistant: 'auto' });
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'auto', routed_to: 'math-tutor' });
    const reply = await s.reply(threadId, runId);
    expect(reply).toEqual([expect.objectContaining({ assistant: 'math-tutor' })]);
    expect(textOf(reply)).toBe('17 × 23 = 391');
  });

  it('answers small talk directly (other): no upstream run, the reply stored on the thread', async () => {
    const callsBefore = await modelCalls();
    await s.scriptChat('other', "I'm doing great, thanks for asking! How can I help you today?");
    // Answered at once, so even a short wait returns the completed run and its reply.
    const answered = await s.api.post(`/threads/${autoThread}/messages?wait=10`, { content: 'Hi there, how are you today?' });
    expect(answered.status).toBe(200);
    const run = answered.body!.run as RunView;
    expect(run).toMatchObject({ status: 'completed', assistant: 'auto', routed_to: 'other', tool_calls: [] });
    expect(run.usage!.total_tokens).toBeGreaterThan(0);
    expect(textOf(answered.body!.reply as MessageView[])).toBe("I'm doing great, thanks for asking! How can I help you today?");
    // No upstream run: on Assistants no run at all; on Responses only the two unstored calls (classify, answer).
    expect((await modelCalls()) - callsBefore).toBe(stack().protocol === 'assistants' ? 0 : 2);

    // The run reads back the same, and the reply is part of the thread's history.
    expect((await s.api.get(`/threads/${autoThread}/runs/${run.id}`)).body).toMatchObject({ status: 'completed', assistant: 'auto', routed_to: 'other' });
    const history = await s.messages(autoThread);
    expect(history.slice(-2).map((m) => [m.role, m.run_id, textOf([m])])).toEqual([
      ['user', run.id, 'Hi there, how are you today?'],
      ['assistant', run.id, "I'm doing great, thanks for asking! How can I help you today?"],
    ]);
    expect(textOf(await s.reply(autoThread, run.id))).toBe("I'm doing great, thanks for asking! How can I help you today?");
  });

  it('frees the thread after a direct answer and reports it without waiting too', async () => {
    await s.scriptChat('other', 'You are welcome!');
    const accepted = await s.api.post(`/threads/${autoThread}/messages`, { content: 'Thanks!' });
    expect(accepted.status).toBe(202);
    expect(accepted.body!.run.status).toBe('completed');
    const runId = accepted.body!.run.id as string;
    const events = await (await fetch(`${stack().api}/threads/${autoThread}/runs/${runId}/events`, { headers: { 'x-user-id': 'copilot-user' } })).text();
    expect(events).toContain('event: message.completed');
    expect(events).toContain('You are welcome!');
    expect(events).toContain('event: done');

    // The next question routes again and runs normally.
    await s.scriptChat('trading');
    await s.script(autoThread, [{ message: 'Happy to help with prices.' }]);
    const next = await s.ask(autoThread, 'And AAPL?');
    expect(await s.finished(autoThread, next)).toMatchObject({ status: 'completed', routed_to: 'trading' });
  });
});
