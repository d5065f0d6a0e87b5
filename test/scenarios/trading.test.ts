// Training notebook "Trading agent": the agent looks the price up with get_stock_price and quotes it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { scenario, textOf } from './support';

const stack = useStack();
const s = scenario(stack, 'trader');
/** The offline price source the stack runs with (STOCK_PRICE_PROVIDER=fixture, the local default). */
const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../../src/tools/stock-prices.fixture.json'), 'utf8')) as { prices: Record<string, number> };


describe('scenario: Trading agent (trading)', () => {
  it('gets the current price with get_stock_price and answers with it', async () => {
    const price = fixture.prices.MSFT!;
    const threadId = await s.newThread('trading');
    await s.script(threadId, [
      { tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }] },
      { message: `The current price of Microsoft (MSFT) is $${price.toFixed(2)} per share.` },
    ]);
    const runId = await s.ask(threadId, 'What is the current price of MSFT?');
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'trading' });
    expect(run.tool_calls).toHaveLength(1);
    expect(run.tool_calls[0]).toMatchObject({ name: 'get_stock_price', arguments: '{"symbol":"MSFT"}', owner: 'server', status: 'completed' });
    // The backend ran the tool: its output carries the price the answer quotes.
    expect(run.tool_calls[0]!.output).toContain(String(price));
    expect(textOf(await s.reply(threadId, runId))).toContain(`$${price.toFixed(2)}`);
  });
});
