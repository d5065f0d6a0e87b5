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
  it('accepts the exact domain and its subdomains, case-insensitively', () => {
    expect(isAllowedDomain('example.com', ['example.com'])).toBe(true);
    expect(isAllowedDomain('Mail.Example.COM', ['example.com'])).toBe(true);
    expect(isAllowedDomain('a.b.example.com', ['@example.com'])).toBe(true);
    expect(isAllowedDomain('x.contoso.com', ['*.contoso.com'])).toBe(true);
  });

  it('refuses look-alikes and parents', () => {
    expect(isAllowedDomain('badexample.com', ['example.com'])).toBe(false);
    expect(isAllowedDomain('example.com.evil.io', ['example.com'])).toBe(false);
    expect(isAllowedDomain('com', ['example.com'])).toBe(false);
    expect(isAllowedDomain('example.com', [])).toBe(false);
  });
});

describe('checkRecipients', () => {
  const allowed = ['example.com', 'contoso.com'];

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
      expect(result.message).toContain('example.com, contoso.com');
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
