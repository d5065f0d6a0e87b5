// Renders the configuration table documented in README.md from the zod schema, so the docs
// cannot drift from what the app reads (a test compares them).
import { z } from 'zod';
import { SECRET_SETTINGS, SETTING_ALIASES, settingsSchema } from './config';

export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = Object.entries(settingsSchema.shape).map(([name, schema]) => {
    const aliases = SETTING_ALIASES[name]?.map((a) => `\`${a}\``).join(', ') ?? '';
    const fallback = defaultOf(schema);
    const description = (schema.description ?? '').replace(/\|/g, '\\|');
    return `| \`${name}\` | ${fallback} | ${aliases} | ${SECRET_SETTINGS.has(name) ? 'yes' : ''} | ${description} |`;
  });
  return ['| Setting | Default | Aliases | Secret | Meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function replaceConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${TABLE_START} ... ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  const value = parsed.data;
  if (Array.isArray(value)) return value.length ? `\`${value.join(',')}\`` : '(none)';
  return `\`${String(value)}\``;
}
