// ASP.NET-style route templates as the Functions host uses them: `{id}`, `{id?}`, `{id=default}`, `{*rest}`,
// `{id:int}`, complex segments like `{name}.{ext}`; literals match case-insensitively, and more specific
// templates win (literal > complex > constrained parameter > parameter > catch-all).
import { createConstraint, type RouteConstraint } from './route-constraints';

interface LiteralPart {
  kind: 'literal';
  text: string;
}

interface ParameterPart {
  kind: 'parameter';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: RouteConstraint[];
}

type Part = LiteralPart | ParameterPart;

interface Segment {
  parts: Part[];
  /** Complex segments (several parts) match through a regex. */
  pattern?: RegExp;
}

export interface RouteTemplate {
  template: string;
  segments: Segment[];
  /** Inbound precedence digits, one per segment; lower sorts first. */
  precedence: number[];
}

export type RouteValues = Record<string, string>;

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~/]+/, '').replace(/\/+$/, '');
  const segments = trimmed === '' ? [] : splitSegments(trimmed).map((text) => parseSegment(text, template));
  segments.forEach((segment, index) => {
    const catchAll = segment.parts.some((p) => p.kind === 'parameter' && p.catchAll);
    if (catchAll && (index !== segments.length - 1 || segment.parts.length !== 1)) throw new Error(`route "${template}": a catch-all parameter must be the whole last segment`);
    const optional = segment.parts.some((p) => p.kind === 'parameter' && p.optional);
    if (optional && segment.parts.length !== 1) throw new Error(`route "${template}": an optional parameter must be a whole segment`);
  });
  return { template, segments, precedence: segments.map(segmentPrecedence) };
}

/** Splits on `/` outside braces (constraint regexes may contain slashes). */
function splitSegments(text: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

function parseSegment(text: string, template: string): Segment {
  if (text === '') throw new Error(`route "${template}": empty segment`);
  const parts: Part[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '{') {
      const end = findClosingBrace(text, i);
      if (end < 0) throw new Error(`route "${template}": unclosed "{"`);
      parts.push(parseParameter(text.slice(i + 1, end), template));
      i = end + 1;
    } else {
      const next = text.indexOf('{', i);
      const literal = text.slice(i, next < 0 ? text.length : next);
      if (literal.includes('}')) throw new Error(`route "${template}": unmatched "}"`);
      parts.push({ kind: 'literal', text: literal });
      i = next < 0 ? text.length : next;
    }
  }
  for (let p = 1; p < parts.length; p++) {
    if (parts[p]!.kind === 'parameter' && parts[p - 1]!.kind === 'parameter') throw new Error(`route "${template}": two parameters need a literal between them`);
  }
  return { parts, pattern: parts.length > 1 ? complexPattern(parts) : undefined };
}

function findClosingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function parseParameter(body: string, template: string): ParameterPart {
  const match = /^(\*{1,2})?([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(body);
  if (!match) throw new Error(`route "${template}": invalid parameter "{${body}}"`);
  const [, star, name, rest = ''] = match;
  const constraints: RouteConstraint[] = [];
  let i = 0;
  while (rest[i] === ':') {
    const nameMatch = /^[A-Za-z]+/.exec(rest.slice(i + 1));
    if (!nameMatch) throw new Error(`route "${template}": invalid constraint in "{${body}}"`);
    i += 1 + nameMatch[0].length;
    let args: string | undefined;
    if (rest[i] === '(') {
      const close = closingParen(rest, i);
      if (close < 0) throw new Error(`route "${template}": unclosed "(" in "{${body}}"`);
      args = rest.slice(i + 1, close);
      i = close + 1;
    }
    constraints.push(createConstraint(nameMatch[0], args));
  }
  const tail = rest.slice(i);
  let optional = false;
  let defaultValue: string | undefined;
  if (tail === '?') optional = true;
  else if (tail.startsWith('=')) defaultValue = tail.slice(1);
  else if (tail !== '') throw new Error(`route "${template}": invalid parameter "{${body}}"`);
  return { kind: 'parameter', name: name!, optional, catchAll: Boolean(star), defaultValue, constraints };
}

/** Matching `)` of a constraint argument; a regex argument may itself contain parentheses. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function complexPattern(parts: Part[]): RegExp {
  // Greedy groups take the longest prefix, which matches ASP.NET's right-to-left matching of complex segments.
  const source = parts.map((p) => (p.kind === 'literal' ? p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '(.+)')).join('');
  return new RegExp(`^${source}$`, 'i');
}

function segmentPrecedence(segment: Segment): number {
  if (segment.parts.length > 1) return 2;
  const part = segment.parts[0]!;
  if (part.kind === 'literal') return 1;
  if (part.catchAll) return 5;
  return part.constraints.length > 0 ? 3 : 4;
}

/** Matches a URL path (without query) against a template; returns the decoded route values or undefined. */
export function matchRoute(route: RouteTemplate, pathname: string): RouteValues | undefined {
  const trimmed = pathname.replace(/^\/+/, '').replace(/\/$/, '');
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const values: RouteValues = {};
  for (let index = 0; index < route.segments.length; index++) {
    const segment = route.segments[index]!;
    const first = segment.parts[0]!;
    if (first.kind === 'parameter' && first.catchAll) {
      const rest = raw.slice(index).map(decode);
      if (rest.includes(undefined)) return undefined;
      const value = rest.join('/');
      if (value !== '') {
        if (!first.constraints.every((test) => test(value))) return undefined;
        values[first.name] = value;
      } else if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
      return values;
    }
    const text = raw[index];
    if (text === undefined) {
      // Missing trailing segments are fine only when optional or defaulted.
      if (first.kind === 'parameter' && (first.optional || first.defaultValue !== undefined)) {
        if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
        continue;
      }
      return undefined;
    }
    const decoded = decode(text);
    if (decoded === undefined || !matchSegment(segment, decoded, values)) return undefined;
  }
  return raw.length > route.segments.length ? undefined : values;
}

function matchSegment(segment: Segment, text: string, values: RouteValues): boolean {
  if (!segment.pattern) {
    const part = segment.parts[0]!;
    if (part.kind === 'literal') return part.text.toLowerCase() === text.toLowerCase();
    if (text === '' || !part.constraints.every((test) => test(text))) return false;
    values[part.name] = text;
    return true;
  }
  const match = segment.pattern.exec(text);
  if (!match) return false;
  let group = 1;
  for (const part of segment.parts) {
    if (part.kind !== 'parameter') continue;
    const value = match[group++]!;
    if (!part.constraints.every((test) => test(value))) return false;
    values[part.name] = value;
  }
  return true;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Orders templates so the most specific is tried first (ASP.NET inbound precedence). */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export interface RouteMatch<T> {
  value: T;
  params: RouteValues;
}

/** Routes of every HTTP function; one template may be shared by functions with different methods. */
export class RouteTable<T> {
  readonly #entries: { route: RouteTemplate; methods: Set<string>; value: T }[] = [];

  add(template: string, methods: string[], value: T): RouteTemplate {
    const route = parseRouteTemplate(template);
    this.#entries.push({ route, methods: new Set(methods.map((m) => m.toUpperCase())), value });
    // Stable sort keeps registration order among equally specific templates.
    this.#entries.sort((x, y) => compareRoutePrecedence(x.route, y.route));
    return route;
  }

  match(method: string, pathname: string): RouteMatch<T> | undefined {
    const upper = method.toUpperCase();
    for (const entry of this.#entries) {
      if (!entry.methods.has(upper)) continue;
      const params = matchRoute(entry.route, pathname);
      if (params) return { value: entry.value, params };
    }
    return undefined;
  }
}
