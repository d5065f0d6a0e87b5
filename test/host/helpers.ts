// Shared helpers of the local functions host suites: fixture paths, polling, log parsing.
import path from 'node:path';
import { startFunctionsHost, type RunningFunctionsHost } from '../../local/functions-host';

export const fixtureDir = (name: string) => path.resolve(__dirname, '../fixtures', name);

/** Starts the host (as a child process) on a fixture app with its own host.json. */
export function startFixtureHost(name: string, env: Record<string, string> = {}): Promise<RunningFunctionsHost> {
  const dir = fixtureDir(name);
  return startFunctionsHost({ appPath: path.join(dir, 'index.js'), scriptRoot: dir, env, shutdownTimeoutSeconds: 5 });
}

/** Polls `check` until it returns something other than undefined/false. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every match of `pattern` (with a capture group per field) in the host's output. */
export function logMatches(host: RunningFunctionsHost, pattern: RegExp): RegExpMatchArray[] {
  return [...host.logs().matchAll(new RegExp(pattern.source, 'g'))];
}
