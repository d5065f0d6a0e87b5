// One set of size limits (src/store/ledger/limits.ts) for the API, the tool registry and the ledger columns,
// checked against Table storage's 1 MiB entity and 64 KiB property limits.
import { describe, expect, it } from 'vitest';
import { ToolOutputsBody } from '../../../src/api/schemas/runs';
import { columnMap } from '../../../src/store/ledger/columns';
import {
  MAX_TEXT_CHARS,
  MAX_TOOL_ARGUMENTS_CHARS,
  MAX_TOOL_OUTPUT_CHARS,
  TABLE_ENTITY_MAX_BYTES,
  TABLE_PROPERTY_MAX_BYTES,
  TEXT_PART_CHARS,
  TOOL_CALL_ROW_MAX_BYTES,
  truncateText,
} from '../../../src/store/ledger/limits';
import { createToolRegistry, defineTool } from '../../../src/tools';
import { z } from 'zod';
import { callContext, capturingLogger, testConfig } from '../tools/helpers';

describe('size limits', () => {
  it('fit Table storage: a part fits a property, a column and a whole tool-call row fit an entity', () => {
    expect(TEXT_PART_CHARS * 2).toBeLessThanOrEqual(TABLE_PROPERTY_MAX_BYTES);
    expect(MAX_TEXT_CHARS * 2).toBeLessThan(TABLE_ENTITY_MAX_BYTES);
    expect(TOOL_CALL_ROW_MAX_BYTES).toBeLessThanOrEqual(TABLE_ENTITY_MAX_BYTES);
  });

  it('let a run event carry a JSON-encoded argument or output (valid JSON text at most doubles)', () => {
    expect(2 * MAX_TOOL_ARGUMENTS_CHARS + 1_000).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(2 * MAX_TOOL_OUTPUT_CHARS + 1_000).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });

  it('the ledger columns record the largest argument and output', () => {
    const columns = columnMap<{ arguments: string; output: string }>({ arguments: 'text', output: 'text' });
    const row = columns.toRow({ arguments: 'a'.repeat(MAX_TOOL_ARGUMENTS_CHARS), output: 'o'.repeat(MAX_TOOL_OUTPUT_CHARS) });
    expect(columns.fromRow(row)).toEqual({ arguments: 'a'.repeat(MAX_TOOL_ARGUMENTS_CHARS), output: 'o'.repeat(MAX_TOOL_OUTPUT_CHARS) });
    const bytes = Object.values(row).reduce<number>((n, v) => n + (typeof v === 'string' ? v.length * 2 : 8), 0);
    expect(bytes).toBeLessThan(TABLE_ENTITY_MAX_BYTES);
  });

  it('the API accepts client outputs up to the same limit, and not one character more', () => {
    const body = (output: string) => ({ tool_outputs: [{ tool_call_id: 'call_abc', output }] });
    expect(ToolOutputsBody.safeParse(body('x'.repeat(MAX_TOOL_OUTPUT_CHARS))).success).toBe(true);
    expect(ToolOutputsBody.safeParse(body('x'.repeat(MAX_TOOL_OUTPUT_CHARS + 1))).success).toBe(false);
  });

  it('the registry refuses oversized arguments and replaces an oversized output with an error', async () => {
    const echo = defineTool<{ n: number }>({
      name: 'big',
      description: 'returns n characters',
      parameters: z.strictObject({ n: z.number() }),
      idempotent: true,
      execute: async ({ n }) => ({ text: 'x'.repeat(n) }),
    });
    const registry = createToolRegistry({ config: testConfig(), tools: [echo] });
    const ctx = callContext(capturingLogger().logger);
    const huge = await registry.execute({ id: 'call_1', name: 'big', arguments: JSON.stringify({ n: 1, pad: 'p'.repeat(MAX_TOOL_ARGUMENTS_CHARS) }) }, ctx);
    expect(huge.status).toBe('invalid_arguments');
    expect(JSON.parse(huge.output).error).toContain('too large');
    const big = await registry.execute({ id: 'call_2', name: 'big', arguments: JSON.stringify({ n: MAX_TOOL_OUTPUT_CHARS }) }, ctx);
    expect(big.status).toBe('failed');
    expect(big.output.length).toBeLessThan(1_000);
    const fits = await registry.execute({ id: 'call_3', name: 'big', arguments: JSON.stringify({ n: MAX_TOOL_OUTPUT_CHARS - 20 }) }, ctx);
    expect(fits.status).toBe('succeeded');
  });

  it('truncation never splits a surrogate pair', () => {
    expect(truncateText('ab😀', 3)).toBe('ab');
    expect(truncateText('abc', 5)).toBe('abc');
  });
});
