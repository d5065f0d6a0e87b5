// Structured JSON logs. Every line carries the correlation fields it was given
// (threadId, runId, toolCallId, ...) and, inside a recorded span, its trace_id and span_id (src/telemetry/);
// secrets are redacted before anything is written.
import { trace } from '@opentelemetry/api';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (e.g. { threadId, runId }). */
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Values that look like credentials: SAS signatures, bearer tokens, keys in query strings, account keys. */
const SECRET_PATTERNS: RegExp[] = [
  /([?&](?:sig|code|key|api-key|api_key|token|access_token)=)[^&\s"']+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /(AccountKey=)[^;\s"']+/gi,
  /(SharedAccessSignature=)[^;\s"']+/gi,
];
const SECRET_KEYS = /^(authorization|api[-_]?key|password|secret|token|sig|x-functions-key|connectionString|AzureWebJobsStorage|EMAIL_LOGIC_APP_URL|ASSISTANTS_API_KEY)$/i;

/** Removes credentials from free text (URLs with signatures, bearer tokens, account keys). */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, '$1[redacted]'), text);
}

/** Deep-redacts a value for logging: secret-named keys are masked, strings scrubbed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redactValue(v, depth + 1);
  return out;
}

/** The active span's ids (W3C hex), so a log line leads to its trace; nothing outside a recorded span. */
function traceFields(): LogFields {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

export function createLogger(options: { level?: LogLevel; fields?: LogFields; sink?: LogSink } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const base = options.fields ?? {};
  const sink = options.sink ?? consoleSink;
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const record = redactValue({ level, msg: message, ...base, ...fields, ...traceFields() }) as LogFields;
    sink(level, JSON.stringify(record));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level: options.level, fields: { ...base, ...fields }, sink }),
  };
}

/** A Logger over an InvocationContext-like object, so lines land in the Functions host's log stream. */
export function loggerFromContext(
  context: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void; debug?(...args: unknown[]): void },
  level: LogLevel,
  fields: LogFields = {},
): Logger {
  return createLogger({
    level,
    fields,
    sink: (lvl, line) => (lvl === 'error' ? context.error(line) : lvl === 'warn' ? context.warn(line) : lvl === 'debug' && context.debug ? context.debug(line) : context.log(line)),
  });
}
