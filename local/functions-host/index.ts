// Programmatic launcher: runs the host CLI as a child process (so tests can SIGKILL it mid-run) and resolves
// once it prints its readiness line; rejects with the captured output if the child exits or stalls first.
import { spawn, type ChildProcess } from 'node:child_process';
import { MAX_REQUEST_HEADER_BYTES } from './http/limits';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { READY_LINE_PREFIX } from './describe';
import { readHostJson } from './host-json';

export interface FunctionsHostOptions {
  /** The app's entry file, e.g. dist/main.js (relative to the current directory or absolute). */
  appPath: string;
  /** Folder with host.json (and local.settings.json); also the child's working directory. Default: cwd. */
  scriptRoot?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Variables added to the child's environment (over process.env). */
  env?: Record<string, string>;
  settingsPath?: string;
  /** Seconds the host waits for running invocations on SIGTERM (default 10). */
  shutdownTimeoutSeconds?: number;
  /** Default 60 s. */
  readyTimeoutMs?: number;
  /** Receives the child's output as it arrives (e.g. to echo it). */
  onOutput?: (text: string) => void;
}

export interface RunningFunctionsHost {
  /** http://127.0.0.1:<port> */
  url: string;
  /** url plus the route prefix, e.g. http://127.0.0.1:<port>/api */
  baseUrl: string;
  process: ChildProcess;
  /** Everything the host printed so far (stdout and stderr). */
  logs(): string;
  /** SIGTERM, then SIGKILL if it does not exit in time. */
  close(): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

const CLI = path.join(__dirname, 'cli.ts');

/** The host exited before it was ready (e.g. the app rejected its configuration). */
export class FunctionsHostExitError extends Error {
  override name = 'FunctionsHostExitError';
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`The functions host exited with code ${exitCode} before it was ready:\n${output}`);
  }
}

export async function startFunctionsHost(options: FunctionsHostOptions): Promise<RunningFunctionsHost> {
  const scriptRoot = path.resolve(options.scriptRoot ?? process.cwd());
  const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
  const shutdownSeconds = options.shutdownTimeoutSeconds ?? 10;
  const args = [
    `--max-http-header-size=${MAX_REQUEST_HEADER_BYTES}`,
    '--import', tsx, CLI,
    '--app', path.resolve(options.appPath),
    '--script-root', scriptRoot,
    '--port', String(options.port ?? 0),
    '--shutdown-timeout', String(shutdownSeconds),
    ...(options.settingsPath ? ['--settings', path.resolve(options.settingsPath)] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: scriptRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // 'close' (not 'exit') so the output is complete when it resolves.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    options.onOutput?.(text);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The functions host did not become ready in ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`));
    }, options.readyTimeoutMs ?? 60_000);
    const check = () => {
      const match = new RegExp(`${READY_LINE_PREFIX}(http://\\S+)`).exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(match[1]!);
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new FunctionsHostExitError(code, output));
    });
  });

  const prefix = readHostJson(scriptRoot).routePrefix;
  return {
    url,
    baseUrl: prefix ? `${url}/${prefix}` : url,
    process: child,
    logs: () => output,
    kill: (signal) => void child.kill(signal),
    exited,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, (shutdownSeconds + 10) * 1000);
      });
      await Promise.race([exited, forced]);
      clearTimeout(timer);
      await exited;
    },
  };
}
