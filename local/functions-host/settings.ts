// App settings: process.env plus `Values` of local.settings.json (never overriding what is already set),
// and %SETTING% binding expressions resolved against them.
import { existsSync, readFileSync } from 'node:fs';

export type SettingsSource = Record<string, string | undefined>;

/** `Values` of a local.settings.json; a missing file is an empty set. */
export function readLocalSettings(file: string | undefined): Record<string, string> {
  if (!file || !existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Invalid local settings file ${file}: ${(error as Error).message}`);
  }
  const values = (parsed as { Values?: unknown } | null)?.Values ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new Error(`Invalid local settings file ${file}: "Values" must be an object`);
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

/** Adds each value to `env` unless the variable is already set; returns the names it added. */
export function applySettings(env: SettingsSource, values: Record<string, string>): string[] {
  const added: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    added.push(name);
  }
  return added;
}

/** Replaces every `%NAME%` with the setting's value, as the Functions host does for trigger properties. */
export function resolveBindingExpression(text: string, settings: SettingsSource): string {
  return text.replace(/%([^%]+)%/g, (_whole, name: string) => {
    const value = settings[name];
    if (value === undefined || value === '') throw new Error(`'%${name}%' does not resolve to a value: app setting ${name} is not set`);
    return value;
  });
}
