// `tsx local/functions-host/cli.ts --app dist/main.js [--script-root .] [--port 7071] [--settings local.settings.json]`
// Prints the functions, then `Functions host listening on http://127.0.0.1:<port>` once everything is up.
// SIGINT/SIGTERM: stop polling, wait (bounded) for running invocations, run appTerminate hooks, exit 0.
// A failure while starting (e.g. the app rejects its configuration) prints the message and exits 1.
import { parseArgs } from 'node:util';
import { READY_LINE_PREFIX, describeFunctions } from './describe';
import { HostStartupError, startHost } from './host';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string' },
      'script-root': { type: 'string', default: '.' },
      port: { type: 'string', default: '7071' },
      settings: { type: 'string' },
      'shutdown-timeout': { type: 'string', default: '10' },
    },
    strict: true,
  });
  if (!values.app) throw new HostStartupError('Usage: cli.ts --app <entry.js> [--script-root <dir>] [--port <port>] [--settings <local.settings.json>]');
  const port = Number(values.port);
  const shutdownSeconds = Number(values['shutdown-timeout']);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new HostStartupError(`--port: not a port number: ${values.port}`);
  if (!Number.isFinite(shutdownSeconds) || shutdownSeconds < 0) throw new HostStartupError(`--shutdown-timeout: not a number of seconds: ${values['shutdown-timeout']}`);

  const host = await startHost({
    appPath: values.app,
    scriptRoot: values['script-root'],
    port,
    settingsPath: values.settings,
    shutdownTimeoutMs: shutdownSeconds * 1000,
  });
  process.stdout.write(`${describeFunctions(host.functions, host.url).join('\n')}\n${READY_LINE_PREFIX}${host.url}\n`);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal skips the graceful drain.
    if (signalled) process.exit(1);
    signalled = true;
    process.stdout.write(`Received ${signal}.\n`);
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  const message = error instanceof HostStartupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${message}\n`);
  // Exit now: the app may have left timers or servers running.
  process.exit(1);
});
