// The host's log stream: one line per entry, prefixed like `[<ISO time>] [<function>] [<invocationId>] message`,
// filtered by host.json `logging.logLevel` (keys `default`, `Host`, `Function`, `Function.<name>`; case-insensitive as in .NET).
import type { RpcLogCategory, RpcLogLevel } from './worker/core-types';

export interface LogEntry {
  level: RpcLogLevel;
  category: RpcLogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}

export type LogWriter = (line: string, level: RpcLogLevel) => void;

export interface HostLog {
  write(entry: LogEntry): void;
  /** Host-level (system) line outside any invocation. */
  host(level: RpcLogLevel, message: string): void;
}

const SEVERITY: Record<RpcLogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };

/** .NET LogLevel names used in host.json → RPC levels. */
export function parseLogLevel(name: string): RpcLogLevel {
  const level = ({ trace: 'trace', debug: 'debug', information: 'information', warning: 'warning', error: 'error', critical: 'critical', none: 'none' } as const)[
    name.toLowerCase() as RpcLogLevel
  ];
  if (!level) throw new Error(`unknown log level "${name}" (Trace, Debug, Information, Warning, Error, Critical or None)`);
  return level;
}

export function formatLogLine(time: Date, entry: Pick<LogEntry, 'message' | 'functionName' | 'invocationId'>): string {
  const scope = entry.functionName ? ` [${entry.functionName}]${entry.invocationId ? ` [${entry.invocationId}]` : ''}` : '';
  return `[${time.toISOString()}]${scope} ${entry.message}`;
}

/** Every level on stdout, so a captured log keeps the order lines were written in (like Core Tools). */
export const consoleWriter: LogWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

export function createHostLog(options: { levels?: Record<string, RpcLogLevel>; write?: LogWriter; now?: () => Date } = {}): HostLog {
  const levels = Object.fromEntries(Object.entries(options.levels ?? {}).map(([key, level]) => [key.toLowerCase(), level]));
  const write = options.write ?? consoleWriter;
  const now = options.now ?? (() => new Date());
  const minimum = (functionName?: string): RpcLogLevel =>
    (functionName ? (levels[`function.${functionName.toLowerCase()}`] ?? levels.function) : levels.host) ?? levels.default ?? 'information';
  const log: HostLog = {
    write(entry) {
      if (entry.level === 'none' || SEVERITY[entry.level] < SEVERITY[minimum(entry.functionName)]) return;
      write(formatLogLine(now(), entry), entry.level);
    },
    host(level, message) {
      log.write({ level, category: 'system', message });
    },
  };
  return log;
}
