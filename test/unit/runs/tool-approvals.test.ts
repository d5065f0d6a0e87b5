import { describe, expect, it } from 'vitest';
import { approvalPolicy, denialOutput } from '../../../src/runs/tool-approvals';

describe('tool approvals', () => {
  const policy = approvalPolicy([
    { key: 'portfolio', tools: ['code_interpreter', { function: 'get_stock_price' }, { function: 'send_email', approval: 'required' }] },
    { key: 'default', tools: [{ function: 'send_email' }, { function: 'get_stock_price', approval: 'never' }] },
  ]);

  it('requires approval only where the assistant marks the tool', () => {
    expect(policy('portfolio', 'send_email')).toBe(true);
    expect(policy('portfolio', 'get_stock_price')).toBe(false);
    expect(policy('default', 'send_email')).toBe(false);
    expect(policy('default', 'get_stock_price')).toBe(false);
    expect(policy('unknown', 'send_email')).toBe(false);
  });

  it('tells the model the user declined, with the reason, as JSON', () => {
    const output = JSON.parse(denialOutput('send_email', 'wrong address')) as { error: string; message: string };
    expect(output.error).toBe('denied_by_user');
    expect(output.message).toContain('send_email');
    expect(output.message).toContain('wrong address');
    expect(JSON.parse(denialOutput('send_email')).message).not.toContain('reason');
  });
});
