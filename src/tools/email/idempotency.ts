// The identity of one email across every attempt to send it, derived from the tool call so a retry, a
// redelivered queue message or another worker always presents the same key and first-sent time.
// ACS Email's repeatable requests (OASIS Repeatable Requests 1.0) take them as Repeatability-Request-Id (a GUID)
// and Repeatability-First-Sent (IMF-fixdate, RFC 7231/1123): a repeat within 5 minutes of the first-sent time
// returns the original outcome instead of sending again; a repeat older than that is refused with 412.
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const FIRST_SENT_HEADER = 'repeatability-first-sent';
/** How long ACS Email (and the mail sink) remember a request id. */
export const REPEATABILITY_WINDOW_MS = 5 * 60_000;

/** Fixed namespace of send_email keys (a random v4 UUID chosen once; changing it changes every key). */
const EMAIL_KEY_NAMESPACE = '3f0c3b7e-52d4-4c0e-9f6a-8d2b1e7a5c41';

/** RFC 9562 UUIDv5: SHA-1 of namespace bytes + name, version and variant bits set. */
export function uuidV5(name: string, namespace: string = EMAIL_KEY_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error('namespace must be a UUID');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Idempotency-Key (and ACS Repeatability-Request-Id) of a send_email tool call. */
export function emailIdempotencyKey(toolCallId: string): string {
  return uuidV5(`send_email:${toolCallId}`);
}

/** IMF-fixdate, e.g. `Tue, 01 Dec 2026 09:39:42 GMT` (whole seconds, as HTTP dates are). */
export function formatFirstSent(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toUTCString();
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Epoch ms of an IMF-fixdate header; undefined when it is not one. */
export function parseFirstSent(header: string): number | undefined {
  if (!IMF_FIXDATE.test(header)) return undefined;
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : ms;
}
