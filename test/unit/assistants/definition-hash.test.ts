import { describe, expect, it } from 'vitest';
import { definitionHash, type AssistantDefinition } from '../../../src/assistants';

const def: AssistantDefinition = {
  key: 'portfolio',
  name: 'Portfolio',
  instructions: 'Help.',
  intent: 'Portfolio questions.',
  tools: ['code_interpreter', { function: 'get_stock_price' }],
  files: ['finance/portfolio.csv'],
  metadata: { team: 'finance', tier: 'gold' },
  threadPerUser: false,
};
const tool = { type: 'function' as const, function: { name: 'get_stock_price', description: 'Price.', parameters: { type: 'object', properties: { symbol: { type: 'string' } } } } };
const files = [{ path: 'finance/portfolio.csv', sha256: 'a'.repeat(64) }];

describe('definitionHash', () => {
  it('ignores the key order of the JSON the definition came from', () => {
    const reordered = JSON.parse(JSON.stringify({ ...def, metadata: { tier: 'gold', team: 'finance' } })) as AssistantDefinition;
    const reorderedTool = { function: { parameters: tool.function.parameters, description: 'Price.', name: 'get_stock_price' }, type: 'function' as const };
    expect(definitionHash(reordered, 'gpt-4o', [{ type: 'code_interpreter' }, reorderedTool], files)).toBe(
      definitionHash(def, 'gpt-4o', [{ type: 'code_interpreter' }, tool], files),
    );
  });

  it('changes with the model, a tool schema or a file content', () => {
    const base = definitionHash(def, 'gpt-4o', [tool], files);
    expect(definitionHash(def, 'gpt-4o-mini', [tool], files)).not.toBe(base);
    expect(definitionHash(def, 'gpt-4o', [{ ...tool, function: { ...tool.function, description: 'Latest price.' } }], files)).not.toBe(base);
    expect(definitionHash(def, 'gpt-4o', [tool], [{ ...files[0]!, sha256: 'b'.repeat(64) }])).not.toBe(base);
  });
});
