import { describe, expect, it } from 'vitest';
import { isControlChar, newestFirstKey, sequenceKey, tableKey } from '../../../src/store/ledger/keys';

describe('ledger keys', () => {
  it('leaves upstream ids unchanged', () => {
    expect(tableKey('thread_abc123')).toBe('thread_abc123');
    expect(tableKey('call_X-9')).toBe('call_X-9');
  });

  it('escapes every character Table storage forbids in keys, reversibly and without collisions', () => {
    const key = tableKey('a/b\\c#d?e\u0001f\u007fg%h');
    expect([...key].some((ch) => '/\\#?'.includes(ch) || isControlChar(ch.charCodeAt(0)))).toBe(false);
    expect(decodeURIComponent(key)).toBe('a/b\\c#d?e\u0001f\u007fg%h');
    expect(tableKey('a%2Fb')).not.toBe(tableKey('a/b'));
  });

  it('rejects empty and oversized keys', () => {
    expect(() => tableKey('')).toThrow(RangeError);
    expect(() => tableKey('x'.repeat(1000))).toThrow(RangeError);
  });

  it('orders sequence numbers numerically and newer times first', () => {
    expect([sequenceKey(10), sequenceKey(9), sequenceKey(100)].sort()).toEqual([sequenceKey(9), sequenceKey(10), sequenceKey(100)]);
    const older = newestFirstKey(Date.parse('2024-01-01T00:00:00Z'), 'thread_b');
    const newer = newestFirstKey(Date.parse('2025-01-01T00:00:00Z'), 'thread_a');
    expect([older, newer].sort()).toEqual([newer, older]);
  });
});
