// Per-run instructions: the training added the current date and time and the user's name
// to every run. Templates use {{now}}, {{date}} and {{userName}}.
import { RUN_PLACEHOLDERS, type AssistantDefinition } from './definition';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Names come from identity claims; they are bounded and flattened so they cannot inject instructions. */
const MAX_USER_NAME = 100;

export interface RunContext {
  now: Date;
  userName?: string;
}

/** Placeholders in `template` that renderRunInstructions does not know. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(RUN_PLACEHOLDERS);
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string).filter((name) => !known.has(name));
}

/**
 * The definition's runInstructions with placeholders filled in, or undefined when it has none.
 * A line whose placeholder has no value (e.g. no user name) is left out rather than rendered half-empty.
 */
export function renderRunInstructions(def: Pick<AssistantDefinition, 'runInstructions'>, ctx: RunContext): string | undefined {
  if (!def.runInstructions) return undefined;
  const userName = cleanUserName(ctx.userName);
  const values: Record<string, string | undefined> = {
    now: ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    date: ctx.now.toISOString().slice(0, 10),
    userName,
  };
  const lines: string[] = [];
  for (const line of def.runInstructions.split('\n')) {
    let missing = false;
    const rendered = line.replace(PLACEHOLDER, (_match, name: string) => {
      const value = values[name];
      if (value === undefined) missing = true;
      return value ?? '';
    });
    if (!missing) lines.push(rendered);
  }
  const text = lines.join('\n').trim();
  return text === '' ? undefined : text;
}

function cleanUserName(name: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = name?.replace(/[\u0000-\u001f\u007f{}]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, MAX_USER_NAME) : undefined;
}
