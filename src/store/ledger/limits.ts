// Size limits of what the ledger records, defined once and derived from Azure Table storage's own limits, so the
// API, the tool registry and the ledger columns agree: anything the API or a tool accepts can be recorded.
//
// Table storage: an entity holds at most 1 MiB, one string property at most 64 KiB, and strings are UTF-16
// (2 bytes per UTF-16 unit; JavaScript string length counts the same units).

export const TABLE_ENTITY_MAX_BYTES = 1024 * 1024;
export const TABLE_PROPERTY_MAX_BYTES = 64 * 1024;
/** UTF-16 units per text part: 32,000 × 2 bytes stays below the 64 KiB property limit. */
export const TEXT_PART_CHARS = 32_000;
/** Most parts one text column may have: 14 × 64 KB stays below the entity limit on its own. */
export const MAX_TEXT_PARTS = 14;
/** The longest text one column can hold. */
export const MAX_TEXT_CHARS = TEXT_PART_CHARS * MAX_TEXT_PARTS;

/**
 * A thread row's record of its user messages' attachments (Responses protocol), as JSON: one text part. Beyond it the
 * oldest messages' entries are dropped (about 300 single-file messages fit); the files themselves stay attached.
 */
export const MAX_MESSAGE_ATTACHMENTS_CHARS = TEXT_PART_CHARS;

/** Room left in a tool-call entity for its keys and other columns (ids, status, times, part counts). */
export const TOOL_CALL_ROW_RESERVE_BYTES = 32 * 1024;

/**
 * A tool call's arguments as the model produced them (six parts). A model sending more gets an
 * invalid_arguments output; the ledger keeps only this much of them.
 */
export const MAX_TOOL_ARGUMENTS_CHARS = 6 * TEXT_PART_CHARS;
/**
 * A tool output, from a server tool or the frontend (six parts). Together with the arguments, a tool-call entity
 * stays below 1 MiB; and each fits a run event (which carries it JSON-encoded, at most doubling valid JSON text).
 */
export const MAX_TOOL_OUTPUT_CHARS = 6 * TEXT_PART_CHARS;

/** Bytes of the largest tool-call entity's text columns plus its reserve; checked by a test against 1 MiB. */
export const TOOL_CALL_ROW_MAX_BYTES = 2 * (MAX_TOOL_ARGUMENTS_CHARS + MAX_TOOL_OUTPUT_CHARS) + TOOL_CALL_ROW_RESERVE_BYTES;

/** Cuts `text` to `max` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return text.slice(0, cut);
}
