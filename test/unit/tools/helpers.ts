// Shared by the tools' unit and integration tests: a config, a capturing logger, a call context.
import { loadConfig, type Config } from '../../../src/config';
import { createLogger, type Logger } from '../../../src/logging';
import type { ToolExecutionContext } from '../../../src/tools';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ EMAIL_ALLOWED_DOMAINS: 'example.com', ...env });
}

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', sink: (_level, line) => lines.push(line) }), lines };
}

export function callContext(logger: Logger, overrides: Partial<ToolExecutionContext> = {}): ToolExecutionContext {
  return { threadId: 'thread_1', runId: 'run_1', userId: 'user_1', deadlineMs: Date.now() + 60_000, logger, ...overrides };
}

/** A Response as fetch would return it. */
export function reply(status: number, body = '', headers: Record<string, string> = {}): Response {
  return new Response(body === '' ? null : body, { status, headers });
}
