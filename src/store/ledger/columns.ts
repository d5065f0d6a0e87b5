// Columns: each table declares one column map (record field → kind). Structured values are stored as JSON
// strings, and long text (tool arguments/outputs, event payloads) is split across several properties because
// one string property holds at most 64 KiB.
import { AppError } from '../../errors';
import { MAX_TEXT_PARTS as MAX_PARTS, TEXT_PART_CHARS as PART_LENGTH } from './limits';

export type Row = Record<string, unknown>;

/** Writes `text` into `name`, `name__1`, `name__2`, ... and records how many parts there are. */
function writeText(row: Row, name: string, text: string | undefined): void {
  if (text === undefined) return;
  const parts = Math.max(1, Math.ceil(text.length / PART_LENGTH));
  if (parts > MAX_PARTS) {
    throw new AppError('payload_too_large', `${name} is too large to record (${text.length} characters).`, 413);
  }
  for (let i = 0; i < parts; i++) row[i === 0 ? name : `${name}__${i}`] = text.slice(i * PART_LENGTH, (i + 1) * PART_LENGTH);
  if (parts > 1) row[`${name}__parts`] = parts;
}

function readText(row: Row, name: string): string | undefined {
  const first = row[name];
  if (typeof first !== 'string') return undefined;
  const parts = typeof row[`${name}__parts`] === 'number' ? (row[`${name}__parts`] as number) : 1;
  let text = first;
  for (let i = 1; i < parts; i++) text += String(row[`${name}__${i}`] ?? '');
  return text;
}

function writeJson(row: Row, name: string, value: unknown): void {
  if (value !== undefined && value !== null) writeText(row, name, JSON.stringify(value));
}

function readJson<T>(row: Row, name: string): T | undefined {
  const text = readText(row, name);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Times are epoch milliseconds in records and Edm.DateTime in the table, so filters can compare them. */
export const toDate = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

function readTime(row: Row, name: string): number | undefined {
  const value = row[name];
  return value instanceof Date ? value.getTime() : undefined;
}

function readString(row: Row, name: string): string | undefined {
  const value = row[name];
  return typeof value === 'string' ? value : undefined;
}

function readNumber(row: Row, name: string): number | undefined {
  const value = row[name];
  return typeof value === 'number' ? value : undefined;
}

/** Drops undefined and null: the service rejects null properties, and Replace removes absent ones. */
export function compact<T extends Row>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** How a record field is stored: as is, as a date (epoch ms ↔ Edm.DateTime), as JSON, or as long text split across columns. */
export type ColumnKind = 'string' | 'number' | 'boolean' | 'time' | 'json' | 'text';

/** A table's columns: one kind per record field, and what an absent column reads as. */
export interface ColumnMap<T> {
  toRow(record: T): Row;
  fromRow(row: Row): T;
}

export function columnMap<T extends object>(columns: { readonly [K in keyof T]-?: ColumnKind }, defaults: Partial<T> = {}): ColumnMap<T> {
  const entries = Object.entries(columns) as [string, ColumnKind][];
  const fallback = defaults as Record<string, unknown>;
  return {
    toRow(record) {
      const row: Row = {};
      for (const [name, kind] of entries) {
        const value = (record as Record<string, unknown>)[name];
        if (value === undefined) continue;
        if (kind === 'time') row[name] = toDate(value as number);
        else if (kind === 'json') writeJson(row, name, value);
        else if (kind === 'text') writeText(row, name, value as string);
        else row[name] = value;
      }
      return row;
    },
    fromRow(row) {
      const record: Record<string, unknown> = {};
      for (const [name, kind] of entries) {
        const value = READERS[kind](row, name);
        record[name] = value ?? fallback[name];
      }
      return record as T;
    },
  };
}

const READERS: Record<ColumnKind, (row: Row, name: string) => unknown> = {
  string: readString,
  number: readNumber,
  boolean: (row, name) => (typeof row[name] === 'boolean' ? row[name] : undefined),
  time: readTime,
  json: readJson,
  text: readText,
};
