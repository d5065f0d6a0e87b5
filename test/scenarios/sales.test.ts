// Training notebook "Sales assistant": each user keeps one persistent thread with the sales
// assistant, and later questions continue it.
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { scenario, textOf } from './support';

const stack = useStack();
const sam = scenario(stack, 'sam');
const bob = scenario(stack, 'bob');

describe('scenario: Sales assistant (sales)', () => {
  it('gives each user one persistent thread', async () => {
    const first = await sam.newThread('sales', 201);
    // Asking again (a new session, a page reload) returns the same thread, not a new one.
    expect(await sam.newThread('sales', 200)).toBe(first);
    const other = await bob.newThread('sales', 201);
    expect(other).not.toBe(first);
    expect(await bob.newThread('sales', 200)).toBe(other);
    // Only the owner can read it.
    expect((await bob.api.get(`/threads/${first}`)).status).toBe(404);
  });

  it('answers two questions on that thread', async () => {
    const threadId = await sam.newThread('sales', 200);
    await sam.script(threadId, [
      { code_interpreter: { input: "customers = pd.read_csv('/mnt/data/customers.csv')\n(customers['State'] == 'FL').sum()", logs: '2' } },
      { message: 'There are 2 customers in Florida.' },
      {
        code_interpreter: {
          input: "orders['Sales'] = orders['Qty'] * orders['Price']\norders.merge(sellers, on='SellerID').groupby('Name')['Sales'].sum().idxmax()",
          logs: "'Deepak Usman'",
        },
      },
      { message: 'Deepak Usman has the highest sales: $5,010.00.' },
    ]);

    const firstRun = await sam.ask(threadId, 'How many customers are in Florida?');
    expect(await sam.finished(threadId, firstRun)).toMatchObject({ status: 'completed', assistant: 'sales' });
    // A later question on the same persistent thread (the thread found again, as a returning user would).
    const again = await sam.newThread('sales', 200);
    expect(again).toBe(threadId);
    const secondRun = await sam.ask(again, 'Which seller has the highest sales?');
    expect(await sam.finished(threadId, secondRun)).toMatchObject({ status: 'completed', assistant: 'sales' });

    expect(textOf(await sam.reply(threadId, firstRun))).toBe('There are 2 customers in Florida.');
    expect(textOf(await sam.reply(threadId, secondRun))).toBe('Deepak Usman has the highest sales: $5,010.00.');
    const history = await sam.messages(threadId);
    expect(history.map((m) => [m.role, m.run_id])).toEqual([
      ['user', firstRun],
      ['assistant', firstRun],
      ['user', secondRun],
      ['assistant', secondRun],
    ]);
  });
});
