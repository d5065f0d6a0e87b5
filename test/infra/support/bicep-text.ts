// Reads Bicep source as text: comments, top-level declarations, object properties and a few literal forms.
// Just enough structure for the infra contract tests (nothing here can run `az bicep build`); not a parser.

export type DeclarationKind = 'param' | 'var' | 'output' | 'resource' | 'module' | 'other';

export interface Declaration {
  kind: DeclarationKind;
  name: string;
  decorators: string[];
  /** Span in the comment-free text (see stripComments), decorators included. */
  start: number;
  end: number;
  /** param/output: its type; resource: `Microsoft.X/y` (no api version). */
  type?: string;
  /** module: the path or registry reference. */
  path?: string;
  existing?: boolean;
  /** resource/module: the expression inside `if (...)`. */
  condition?: string;
  /** param: default; var/output: expression; resource/module: the `{ ... }` body. */
  value?: string;
}

/** Index just past the string literal that opens at `start` (handles escapes and `${...}` with nested strings). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === "'") return i + 1;
    else if (text.startsWith('${', i)) i = skipInterpolation(text, i + 2);
    else i++;
  }
  return i;
}

function skipInterpolation(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      i = skipString(text, i);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (depth === 0) return i + 1;
      depth--;
    }
    i++;
  }
  return i;
}

/** Removes `//` and block comments; strings (URLs contain `//`) are kept intact. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === "'") {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * The characters outside string literals from `from` on (a literal shows as its opening quote), with the
 * bracket depth before and after each: the one scanner behind the helpers below.
 */
function* codeChars(text: string, from = 0): Generator<{ i: number; c: string; before: number; after: number }> {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i] ?? '';
    const before = depth;
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
    yield { i, c, before, after: depth };
    i = c === "'" ? skipString(text, i) : i + 1;
  }
}

/** Index just past the bracket closing the one at `open`. */
export function matchingClose(text: string, open: number): number {
  for (const { i, c, after } of codeChars(text, open)) if (CLOSERS.includes(c) && after === 0) return i + 1;
  throw new Error(`unbalanced bracket at ${open}`);
}

/** Splits at separators that are outside brackets and strings (newlines count as separators when asked). */
export function splitTopLevel(text: string, separators: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const { i, c, before } of codeChars(text)) {
    if (before === 0 && separators.includes(c)) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Offsets of lines that start a top-level statement: column 0, outside any bracket. */
function statementStarts(text: string): number[] {
  const starts: number[] = [];
  let lineStart = true;
  for (const { i, c, before } of codeChars(text)) {
    if (lineStart && before === 0 && /\S/.test(c)) starts.push(i);
    lineStart = c === '\n';
  }
  return starts;
}

/** Top-level declarations of a Bicep file, in source order, over its comment-free text. */
export function declarations(source: string): Declaration[] {
  const text = stripComments(source);
  const starts = statementStarts(text);
  const result: Declaration[] = [];
  let decorators: string[] = [];
  let decoratorStart: number | undefined;
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? (starts[index + 1] as number) : text.length;
    const statement = text.slice(start, end).trim();
    if (statement.startsWith('@')) {
      decorators.push(statement);
      decoratorStart ??= start;
      return;
    }
    result.push({ ...parseStatement(statement), decorators, start: decoratorStart ?? start, end });
    decorators = [];
    decoratorStart = undefined;
  });
  return result;
}

type Parsed = Omit<Declaration, 'decorators' | 'start' | 'end'>;

function parseStatement(statement: string): Parsed {
  let m = /^param\s+(\w+)\s+([^=]+?)(?:\s*=\s*([\s\S]+))?$/.exec(statement);
  if (m) return { kind: 'param', name: m[1] as string, type: (m[2] as string).trim(), value: m[3]?.trim() };
  m = /^var\s+(\w+)\s*=\s*([\s\S]+)$/.exec(statement);
  if (m) return { kind: 'var', name: m[1] as string, value: (m[2] as string).trim() };
  m = /^output\s+(\w+)\s+(\S+)\s*=\s*([\s\S]+)$/.exec(statement);
  if (m) return { kind: 'output', name: m[1] as string, type: m[2] as string, value: (m[3] as string).trim() };
  m = /^resource\s+(\w+)\s+'([^'@]+)@[^']+'\s+(existing\s+)?=\s*([\s\S]+)$/.exec(statement);
  if (m) return { kind: 'resource', name: m[1] as string, type: m[2] as string, existing: Boolean(m[3]), ...conditionAndBody(m[4] as string) };
  m = /^module\s+(\w+)\s+'([^']+)'\s*=\s*([\s\S]+)$/.exec(statement);
  if (m) return { kind: 'module', name: m[1] as string, path: m[2] as string, ...conditionAndBody(m[3] as string) };
  return { kind: 'other', name: statement.split(/\s+/)[0] ?? '' };
}

/** `if (cond) { ... }`, `[for x in y: { ... }]` or `{ ... }`: the condition and the object body. */
function conditionAndBody(rest: string): { condition?: string; value: string } {
  let condition: string | undefined;
  let tail = rest.trim();
  if (tail.startsWith('if')) {
    const open = tail.indexOf('(');
    const close = matchingClose(tail, open);
    condition = tail.slice(open + 1, close - 1).trim();
    tail = tail.slice(close).trim();
  }
  const open = tail.indexOf('{');
  const value = open < 0 ? tail : tail.slice(open, matchingClose(tail, open));
  return condition === undefined ? { value } : { condition, value };
}

export interface Property {
  key: string;
  value: string;
}

/** The properties of an object literal `{ ... }`, one level deep; nested values stay as text. */
export function objectProperties(objectText: string): Property[] {
  const trimmed = objectText.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) throw new Error(`not an object literal: ${trimmed.slice(0, 60)}`);
  const properties: Property[] = [];
  for (const part of splitTopLevel(trimmed.slice(1, -1), ',\n')) {
    const m = /^('(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*)\s*:\s*([\s\S]+)$/.exec(part);
    const previous = properties[properties.length - 1];
    if (m) properties.push({ key: (m[1] as string).replace(/^'|'$/g, ''), value: (m[2] as string).trim() });
    // A line such as `? a` or `: b` continues the previous property's multi-line expression.
    else if (previous) previous.value += `\n${part}`;
    else throw new Error(`not a property: ${part.slice(0, 60)}`);
  }
  return properties;
}

/** The value of `key` in an object literal, if present. */
export function property(objectText: string, key: string): string | undefined {
  return objectProperties(objectText).find((p) => p.key === key)?.value;
}

/** Follows a dotted path through nested object literals: propertyPath(body, 'params', 'sku', 'name'). */
export function propertyPath(objectText: string, ...keys: string[]): string | undefined {
  let current: string | undefined = objectText;
  for (const key of keys) {
    if (current === undefined || !current.trim().startsWith('{')) return undefined;
    current = property(current, key);
  }
  return current;
}

/** The text of a plain string literal (`'abc'`), or undefined for anything else (interpolations included). */
export function stringLiteral(expression: string): string | undefined {
  const m = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(expression.trim());
  return m ? (m[1] as string).replace(/\\(.)/g, '$1') : undefined;
}

/** The value of a literal default (string, bool or int) as azd would pass it, or undefined. */
export function literalValue(expression: string | undefined): string | undefined {
  if (expression === undefined) return undefined;
  const text = expression.trim();
  if (/^(true|false|-?\d+)$/.test(text)) return text;
  return stringLiteral(text);
}

export function find(decls: Declaration[], kind: DeclarationKind, name: string): Declaration | undefined {
  return decls.find((d) => d.kind === kind && d.name === name);
}

/** The source without one declaration (for mutation tests); comments are dropped as a side effect. */
export function withoutDeclaration(source: string, name: string): string {
  const text = stripComments(source);
  const decl = declarations(source).find((d) => d.name === name);
  if (!decl) throw new Error(`no declaration ${name}`);
  return text.slice(0, decl.start) + text.slice(decl.end);
}
