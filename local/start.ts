// `npm start`: the whole stack on one machine, nothing to configure first.
// Builds the app, starts Azurite, the local Assistants API server, the mail sink and the
// local Functions host with the app; prints every URL; stops everything on Ctrl-C.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startAzurite } from './azurite';
import { startAssistantsServer } from './assistants-server';
import { startMailSink } from './mail-sink';
import { startMcpServer } from './mcp-server/server';
import { startFunctionsHost } from './functions-host';
import { startWebServer } from './web';

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    'func-port': { type: 'string', default: process.env.FUNCTIONS_PORT ?? '7071' },
    'azurite-port': { type: 'string', default: process.env.AZURITE_BLOB_PORT ?? '10000' },
    'assistants-port': { type: 'string', default: process.env.ASSISTANTS_SERVER_PORT ?? '7080' },
    'mail-port': { type: 'string', default: process.env.MAIL_SINK_PORT ?? '7090' },
    'web-port': { type: 'string', default: process.env.WEB_PORT ?? '7070' },
    'mcp-port': { type: 'string', default: process.env.MCP_SERVER_PORT ?? '7096' },
    'skip-sync': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack...');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    console.log('Building the app...');
    execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });

    const dataDir = path.join(root, '.data');
    mkdirSync(dataDir, { recursive: true });
    const blobPort = Number(values['azurite-port']);
    const azurite = await startAzurite({ location: path.join(dataDir, 'azurite'), blobPort, queuePort: blobPort + 1, tablePort: blobPort + 2 });
    stops.push(azurite.close);

    const assistants = await startAssistantsServer({ port: Number(values['assistants-port']), dataDir: path.join(dataDir, 'assistants') });
    stops.push(assistants.close);

    const mail = await startMailSink({ port: Number(values['mail-port']), dataDir: path.join(dataDir, 'mail') });
    stops.push(mail.close);

    // The calendar MCP server assistants/scheduler.json uses (before the sync, which lists its tools).
    const mcp = await startMcpServer({ port: Number(values['mcp-port']) });
    stops.push(mcp.close);

    const env: Record<string, string> = {
      AzureWebJobsStorage: azurite.connectionString,
      LOCAL_ASSISTANTS_URL: assistants.url,
      EMAIL_LOGIC_APP_URL: mail.logicAppUrl,
      MCP_CALENDAR_URL: mcp.url,
    };
    if (!values['skip-sync']) await syncAssistants(env);

    const host = await startFunctionsHost({
      appPath: path.join(root, 'dist/main.js'),
      scriptRoot: root,
      port: Number(values['func-port']),
      settingsPath: path.join(root, 'local.settings.json'),
      env,
      onOutput: (text) => process.stdout.write(text),
    });
    stops.push(host.close);
    const web = await startWebServer({ port: Number(values['web-port']), apiOrigin: host.url });
    stops.push(web.close);
    void host.exited.then((code) => {
      if (!stopping) {
        console.error(`Functions host exited (${code}); stopping.`);
        onSignal();
      }
    });

    console.log(
      [
        '',
        'Local stack is up:',
        `  Web chat             ${web.url}  (also served by the Functions app, as in Azure: ${host.url}/)`,
        `  Functions API        ${host.url}/api  (health: ${host.url}/api/health)`,
        `  Assistants API       ${assistants.url}/v1`,
        `  Mail sink            ${mail.url}/_admin/mail`,
        `  Calendar MCP server  ${mcp.url}  (admin: ${mcp.url.replace(/\/mcp$/, '/_admin/stats')})`,
        `  Azurite              blob ${azurite.blobUrl}  queue ${azurite.queueUrl}  table ${azurite.tableUrl}`,
        '',
        'Try:  curl -s -X POST -H "x-user-id: alice" -H "content-type: application/json" ' + `${host.url}/api/threads -d '{}'`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stopAll();
    process.exit(1);
  }
}

/** Asynchronous on purpose: the Assistants server it talks to runs in this very process. */
async function syncAssistants(env: Record<string, string>): Promise<void> {
  console.log('Syncing assistants/ to the local Assistants API server...');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/assistants-sync.ts')], { cwd: root, env: { ...process.env, ...env } });
  process.stdout.write(stdout);
}

void main();
