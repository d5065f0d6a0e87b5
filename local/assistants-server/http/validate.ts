// Turns zod issues into the service's 400s: the message wording and `param`/`code` fields the real API uses.
import type { z } from 'zod';
import { type ApiError, invalidRequest } from './errors';

type Issue = z.core.$ZodIssue;

/**
 * Marks a bound on an integer parameter: zod reports number bounds alike, the service words them
 * differently (`integer above maximum value` vs `decimal above maximum value`).
 */
export const INT = { error: 'integer' } as const;

/** Parses `input` or throws the 400 the service would send for the first problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(firstIssue(result.error.issues));
}

function firstIssue(issues: readonly Issue[]): Issue {
  const issue = issues[0]!;
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The branch with the fewest problems is the one the caller most likely meant.
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
    if (best.length > 0) return firstIssue(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue));
  }
  return issue;
}

/** `tools[0].function.name` from ['tools', 0, 'function', 'name']. */
export function formatParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function article(type: string): string {
  const name = type === 'int' ? 'integer' : type === 'record' || type === 'map' ? 'object' : type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return article(typeof value);
}

function issueToError(issue: Issue): ApiError {
  const param = formatParam(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      return invalidRequest(`Invalid type for '${param}': expected ${article(issue.expected)}, but got ${describe(issue.input)} instead.`, param, 'invalid_type');
    case 'too_big':
      return sizeError(param, issue.message === INT.error ? 'int' : issue.origin, 'max', Number(issue.maximum), issue.input);
    case 'too_small':
      return sizeError(param, issue.message === INT.error ? 'int' : issue.origin, 'min', Number(issue.minimum), issue.input);
    case 'invalid_value': {
      const values = issue.values.map((v) => `'${String(v)}'`);
      const list = values.length > 2 ? `${values.slice(0, -1).join(', ')}, and ${values.at(-1)}` : values.join(' and ');
      return invalidRequest(`Invalid value: '${String(issue.input)}'. Supported values are: ${list}.`, param, 'invalid_value');
    }
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const full = param ? `${param}.${key}` : key;
      return invalidRequest(`Unknown parameter: '${full}'.`, full, 'unknown_parameter');
    }
    case 'invalid_format':
      return invalidRequest(
        `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${issue.pattern ?? issue.format}'.`,
        param,
        'invalid_value',
      );
    case 'invalid_union':
      return invalidRequest(`Invalid value for '${param}'.`, param, 'invalid_value');
    case 'custom': {
      const code = typeof issue.params?.code === 'string' ? issue.params.code : 'invalid_value';
      return invalidRequest(issue.message, param, code);
    }
    default:
      return invalidRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
  }
}

function sizeError(param: string, origin: string, bound: 'max' | 'min', limit: number, input: unknown): ApiError {
  const above = bound === 'max';
  if (origin === 'array' || origin === 'string') {
    const length = (input as { length?: number } | undefined)?.length ?? 0;
    const what = origin === 'array' ? 'array' : 'string';
    return invalidRequest(
      `Invalid '${param}': ${what} too ${above ? 'long' : 'short'}. Expected ${article(what)} with ${above ? 'maximum' : 'minimum'} length ${limit}, but got ${article(what)} with length ${length} instead.`,
      param,
      `${what}_${above ? 'above_max' : 'below_min'}_length`,
    );
  }
  const kind = origin === 'int' ? 'integer' : 'decimal';
  return invalidRequest(
    `Invalid '${param}': ${kind} ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${above ? '<=' : '>='} ${limit}, but got ${String(input)} instead.`,
    param,
    `${kind}_${above ? 'above_max' : 'below_min'}_value`,
  );
}
