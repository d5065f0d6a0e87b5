// Table storage keys may not contain / \ # ? or control characters and are limited to 1 KiB.
// Ids here (thread_..., run_..., call_...) are safe as they are; owner ids and lease names may not be,
// so every key goes through `tableKey`, which escapes those characters (and %) reversibly, like URL encoding.

const FORBIDDEN = new Set(['%', '/', '\\', '#', '?']);
/** C0 and C1 control characters (and DEL), which Table storage forbids in keys. */
export const isControlChar = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
/** Well under the 1 KiB limit even for characters that take two UTF-16 units. */
const MAX_KEY_LENGTH = 400;

export function tableKey(value: string): string {
  if (value.length === 0) throw new RangeError('A ledger key may not be empty.');
  let key = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    key += FORBIDDEN.has(ch) || isControlChar(code) ? `%${code.toString(16).padStart(2, '0').toUpperCase()}` : ch;
  }
  if (key.length > MAX_KEY_LENGTH) throw new RangeError(`A ledger key may not exceed ${MAX_KEY_LENGTH} characters.`);
  return key;
}

/** Zero-padded so that RowKey order (string order) is numeric order. */
export function sequenceKey(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** Makes newer timestamps sort first in RowKey order (Table storage only sorts ascending). */
export function newestFirstKey(atMs: number, id: string): string {
  return `${String(8_640_000_000_000_000 - atMs).padStart(16, '0')}|${tableKey(id)}`;
}
