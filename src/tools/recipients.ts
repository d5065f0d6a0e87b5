// Parses and checks send_email recipients against the configured domain allowlist and limit.

// Deliberately simple: one @, no spaces, a dotted domain. The Logic App's mail connector does the rest.
const ADDRESS = /^[^\s@<>(),;:"[\]]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)$/;

export type RecipientCheck = { ok: true; recipients: string[] } | { ok: false; message: string };

/** Splits `to` on commas and semicolons; drops blanks and case-insensitive duplicates. */
export function parseRecipients(to: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of to.split(/[,;]/)) {
    const address = part.trim();
    if (!address || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    out.push(address);
  }
  return out;
}

/** Allowlist entries may be written `example.com`, `@example.com` or `*.example.com`. */
export function normaliseDomain(entry: string): string {
  return entry.trim().toLowerCase().replace(/^\*?\.|^@/, '');
}

/** Exact domain or any subdomain of it: `a.example.com` matches `example.com`; `badexample.com` does not. */
export function isAllowedDomain(domain: string, allowed: string[]): boolean {
  const d = domain.toLowerCase();
  return allowed.map(normaliseDomain).some((a) => a !== '' && (d === a || d.endsWith(`.${a}`)));
}

export function checkRecipients(to: string, allowedDomains: string[], maxRecipients: number): RecipientCheck {
  const recipients = parseRecipients(to);
  if (recipients.length === 0) return { ok: false, message: 'No recipient address was given in "to".' };
  if (recipients.length > maxRecipients) {
    return { ok: false, message: `Too many recipients: ${recipients.length}; at most ${maxRecipients} are allowed per email.` };
  }
  const malformed = recipients.filter((r) => !ADDRESS.test(r));
  if (malformed.length) return { ok: false, message: `Not valid email addresses: ${malformed.join(', ')}.` };
  const allowed = allowedDomains.map(normaliseDomain).filter(Boolean);
  if (allowed.length === 0) return { ok: false, message: 'Email may not be sent to any domain: no recipient domains are allowed in this deployment.' };
  const refused = recipients.filter((r) => !isAllowedDomain(ADDRESS.exec(r)![1]!, allowed));
  if (refused.length) {
    return { ok: false, message: `Recipients outside the allowed domains (${allowed.join(', ')}): ${refused.join(', ')}. No email was sent.` };
  }
  return { ok: true, recipients };
}
