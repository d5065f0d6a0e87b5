// Parses and checks send_email recipients against the configured domain allowlist and limit.
//
// Addresses are deliberately narrower than RFC 5322 allows, because every extra form is a way to reach someone
// the allowlist did not name:
// - the local part is an RFC 5321 Dot-string (dot-atom) of ASCII atext without `%` and `!` (source-routing
//   forms such as `a%evil.com@example.com` and `evil!a@example.com`); no quoted strings, no comments, no NUL,
//   no control or bidi characters (ASCII only), at most 64 characters;
// - the domain is a dotted host name of letter/digit/hyphen labels (no IP literals), at most 253 characters;
// - a domain is allowed when listed exactly; subdomains only when listed (`sales.example.com`) or covered by a
//   wildcard entry (`*.example.com`, which does not include `example.com` itself).

/** atext (RFC 5322 3.2.3) without `%` and `!`. */
const ATOM = "[A-Za-z0-9#$&'*+\\-/=?^_`{|}~]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 253;

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

/** The address split at its only `@`, when both halves have the allowed shapes. */
export function parseAddress(address: string): { localPart: string; domain: string } | null {
  const at = address.indexOf('@');
  if (at <= 0 || at !== address.lastIndexOf('@')) return null;
  const localPart = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (localPart.length > MAX_LOCAL_PART || !LOCAL_PART.test(localPart)) return null;
  if (domain.length > MAX_DOMAIN || !DOMAIN.test(domain)) return null;
  return { localPart, domain };
}

/** Allowlist entries: `example.com` (that domain only), `@example.com` (the same), `*.example.com` (its subdomains). */
export function normaliseDomain(entry: string): string {
  return entry.trim().toLowerCase().replace(/^@/, '');
}

export function isAllowedDomain(domain: string, allowed: string[]): boolean {
  const d = domain.toLowerCase();
  return allowed.map(normaliseDomain).some((a) => {
    if (a.startsWith('*.')) return a.length > 2 && d.endsWith(a.slice(1));
    return a !== '' && d === a;
  });
}

/** For messages: an address as the model can read it, with anything non-printable escaped. */
function shown(address: string): string {
  return /^[\x20-\x7e]*$/.test(address) ? address : JSON.stringify(address).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function checkRecipients(to: string, allowedDomains: string[], maxRecipients: number): RecipientCheck {
  const recipients = parseRecipients(to);
  if (recipients.length === 0) return { ok: false, message: 'No recipient address was given in "to".' };
  if (recipients.length > maxRecipients) {
    return { ok: false, message: `Too many recipients: ${recipients.length}; at most ${maxRecipients} are allowed per email.` };
  }
  const malformed = recipients.filter((r) => !parseAddress(r));
  if (malformed.length) {
    return { ok: false, message: `Not valid email addresses (plain name@domain only; no quotes, %, ! or special characters): ${malformed.map(shown).join(', ')}.` };
  }
  const allowed = allowedDomains.map(normaliseDomain).filter(Boolean);
  if (allowed.length === 0) return { ok: false, message: 'Email may not be sent to any domain: no recipient domains are allowed in this deployment.' };
  const refused = recipients.filter((r) => !isAllowedDomain(parseAddress(r)!.domain, allowed));
  if (refused.length) {
    return { ok: false, message: `Recipients outside the allowed domains (${allowed.join(', ')}): ${refused.join(', ')}. No email was sent.` };
  }
  return { ok: true, recipients };
}
