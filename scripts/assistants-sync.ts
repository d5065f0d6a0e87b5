// `npm run assistants:sync`: validates assistants/*.json for this deployment (DEPLOYMENT_ID) and uploads
// data/ files only when their content changed; on the Assistants protocol it also makes the upstream
// assistants match the definitions (UPSTREAM_PROTOCOL; on Responses there are none to write).
// Prints one line per assistant; exits non-zero on any failure.
// `--auth-wait 10m` (default) bounds how long 401/403 answers are waited out: right after `azd provision`
// the deployer's new roles may not have reached the model endpoint yet.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig, parseDurationMs } from '../src/config';
import { createLogger, redact } from '../src/logging';
import { createToolRegistry, defaultTools } from '../src/tools';
import { createMcpTools } from '../src/tools/mcp';
import { createUpstreamClient, describeUpstream } from '../src/upstream';
import { formatSyncReport, loadAssistantDefinitions, syncAssistants } from '../src/assistants';
import { retryUntilAuthorized } from '../src/assistants/retry-until-authorized';

const ROOT = path.resolve(__dirname, '..');

const ROLE_WAIT_INTERVAL_MS = 15_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'auth-wait': { type: 'string', default: '10m' } } });
  const authWaitMs = parseDurationMs(values['auth-wait']);
  const config = loadConfig();
  // Info lines would repeat the report; warnings (removed, duplicates) and errors still show.
  const logger = createLogger({ level: config.LOG_LEVEL === 'debug' ? 'debug' : 'warn', fields: { job: 'assistants-sync', deploymentId: config.DEPLOYMENT_ID } });
  const builtInTools = defaultTools({ config });
  const definitions = await loadAssistantDefinitions(path.join(ROOT, 'assistants'), { knownTools: builtInTools.map((tool) => tool.name), dataDir: path.join(ROOT, 'data') });
  // MCP tools are declared from their servers' tools/list (on Assistants they go onto the upstream assistant).
  const mcp = createMcpTools(definitions, { config, logger });
  closeMcp = mcp.close;
  const registry = createToolRegistry({ config, tools: [...builtInTools, ...mcp.tools] });
  if (!definitions.some((d) => d.key === config.DEFAULT_ASSISTANT)) {
    throw new Error(`DEFAULT_ASSISTANT "${config.DEFAULT_ASSISTANT}" has no definition in assistants/`);
  }
  const upstream = describeUpstream(config);
  console.log(`Syncing ${definitions.length} assistants for deployment "${config.DEPLOYMENT_ID}" to ${upstream.provider} (${upstream.host}, ${config.protocol} protocol)`);
  const client = createUpstreamClient(config);
  const report = await retryUntilAuthorized(
    () =>
      syncAssistants({
        client,
        protocol: config.protocol,
        definitions,
        dataDir: path.join(ROOT, 'data'),
        deploymentId: config.DEPLOYMENT_ID,
        functionTools: (names) => registry.declareTools(names),
        defaultModel: config.MODEL_DEPLOYMENT,
        logger,
      }),
    {
      budgetMs: authWaitMs,
      intervalMs: Math.min(ROLE_WAIT_INTERVAL_MS, authWaitMs / 4),
      now: Date.now,
      sleep: (ms) => sleep(ms),
      onWait: (status, waitedMs) =>
        console.log(`Upstream answered ${status}; waiting for role assignments to propagate (${Math.round(waitedMs / 1000)} s of ${Math.round(authWaitMs / 1000)} s)`),
    },
  );
  for (const line of formatSyncReport(report)) console.log(line);
}

/** Open MCP sessions (their event streams) would keep the process alive. */
let closeMcp: (() => Promise<void>) | undefined;

main()
  .catch((error: unknown) => {
    console.error(`assistants:sync failed: ${redact(error instanceof Error ? error.message : String(error))}`);
    process.exitCode = 1;
  })
  .finally(() => closeMcp?.());
