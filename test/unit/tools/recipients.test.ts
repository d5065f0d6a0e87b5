import { describe, expect, it } from 'vitest';
import { checkRecipients, isAllowedDomain, parseRecipients } from '../../../src/tools/recipients';

describe('parseRecipients', () => {
  it('splits on commas and semicolons, trims, drops blanks and duplicates', () => {
    expect(parseRecipients(' a@example.com; b@example.com,,A@Example.com ;')).toEqual(['a@example.com', 'b@example.com']);
    expect(parseRecipients('solo@example.com')).toEqual(['solo@example.com']);
    expect(parseRecipients(' ; , ')).toEqual([]);
  });
});

describe('isAllowedDomain', () => {
  it('accepts the exact domain, case-insensitively, and subdomains only when listed', () => {
    expect(isAllowedDomain('example.com', ['example.com'])).toBe(true);
    expect(isAllowedDomain('Example.COM', ['@example.com'])).toBe(true);
    expect(isAllowedDomain('x.contoso.com', ['*.contoso.com'])).toBe(true);
    expect(isAllowedDomain('a.b.contoso.com', ['*.contoso.com'])).toBe(true);
    expect(isAllowedDomain('sales.example.com', ['example.com', 'sales.example.com'])).toBe(true);
  });

  it('refuses unlisted subdomains, look-alikes and parents', () => {
    expect(isAllowedDomain('mail.example.com', ['example.com'])).toBe(false);
    expect(isAllowedDomain('contoso.com', ['*.contoso.com'])).toBe(false);
    expect(isAllowedDomain('badexample.com', ['example.com'])).toBe(false);
    expect(isAllowedDomain('badcontoso.com', ['*.contoso.com'])).toBe(false);
    expect(isAllowedDomain('example.com.evil.io', ['example.com'])).toBe(false);
    expect(isAllowedDomain('com', ['example.com'])).toBe(false);
    expect(isAllowedDomain('example.com', [])).toBe(false);
    expect(isAllowedDomain('anything.io', ['*.'])).toBe(false);
  });
});

describe('local parts (RFC 5321 dot-atom, narrowed)', () => {
  const allowed = ['example.com'];
  it.each([
    ['percent routing', 'a%evil.com@example.com'],
    ['bang routing', 'evil.io!a@example.com'],
    ['a quoted string', '"a b"@example.com'],
    ['a quoted @', '"a@evil.io"@example.com'],
    ['NUL', 'a\u0000b@example.com'],
    ['a control character', 'a\u0007@example.com'],
    ['a bidi override', 'a\u202egro@example.com'],
    ['a bidi isolate', 'a\u2066b@example.com'],
    ['non-ASCII', 'jos\u00e9@example.com'],
    ['a leading dot', '.a@example.com'],
    ['a trailing dot', 'a.@example.com'],
    ['two dots', 'a..b@example.com'],
    ['a comment', 'a(comment)@example.com'],
    ['a backslash', 'a\\b@example.com'],
    ['65 characters', `${'a'.repeat(65)}@example.com`],
    ['an IP literal domain', 'a@[127.0.0.1]'],
  ])('refuses %s', (_, raw) => {
    const address = raw;
    const result = checkRecipients(address, allowed, 5);
    expect(result.ok).toBe(false);
    // Whatever was refused is shown without raw control or bidi characters.
    if (!result.ok) expect(result.message).toMatch(/^[\x20-\x7e]*$/);
  });

  it.each(['a@example.com', 'first.last@example.com', "o'brien+news@example.com", 'x_y-z=1@example.com', `${'a'.repeat(64)}@example.com`])('accepts %s', (address) => {
    expect(checkRecipients(address, allowed, 5).ok).toBe(true);
  });
});

describe('checkRecipients', () => {
  const allowed = ['example.com', 'contoso.com', '*.contoso.com'];

  it('accepts a list within the allowlist and the limit', () => {
    expect(checkRecipients('a@example.com;b@sales.contoso.com', allowed, 5)).toEqual({ ok: true, recipients: ['a@example.com', 'b@sales.contoso.com'] });
  });

  it('names the recipients outside the allowed domains', () => {
    const result = checkRecipients('a@example.com, eve@evil.io, mallory@badexample.com', allowed, 5);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('eve@evil.io');
      expect(result.message).toContain('mallory@badexample.com');
      expect(result.message).not.toContain('a@example.com,');
      expect(result.message).toContain('example.com, contoso.com, *.contoso.com');
    }
  });

  it('enforces the maximum number of distinct recipients', () => {
    expect(checkRecipients('a@example.com,b@example.com,c@example.com', allowed, 2)).toMatchObject({ ok: false, message: expect.stringContaining('at most 2') });
    expect(checkRecipients('a@example.com,A@example.com,b@example.com', allowed, 2).ok).toBe(true);
  });

  it('refuses malformed addresses and an empty list', () => {
    expect(checkRecipients('not-an-address', allowed, 5)).toMatchObject({ ok: false, message: expect.stringContaining('not-an-address') });
    expect(checkRecipients('a@b@example.com', allowed, 5).ok).toBe(false);
    expect(checkRecipients('Alice <a@example.com>', allowed, 5).ok).toBe(false);
    expect(checkRecipients(' ; ', allowed, 5)).toMatchObject({ ok: false, message: expect.stringContaining('No recipient') });
  });

  it('refuses everything when no domain is allowed', () => {
    expect(checkRecipients('a@example.com', [], 5)).toMatchObject({ ok: false, message: expect.stringContaining('no recipient domains are allowed') });
  });
});
