// `npm run assistants:sync`: makes the upstream assistants match assistants/*.json for this
// deployment (DEPLOYMENT_ID), uploading data/ files only when their content changed.
// Prints one line per assistant; exits non-zero on any failure.
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createLogger, redact } from '../src/logging';
import { createToolRegistry } from '../src/tools';
import { createUpstreamClient, describeUpstream } from '../src/upstream';
import { formatSyncReport, loadAssistantDefinitions, syncAssistants } from '../src/assistants';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const config = loadConfig();
  // Info lines would repeat the report; warnings (removed, duplicates) and errors still show.
  const logger = createLogger({ level: config.LOG_LEVEL === 'debug' ? 'debug' : 'warn', fields: { job: 'assistants-sync', deploymentId: config.DEPLOYMENT_ID } });
  const registry = createToolRegistry({ config });
  const definitions = await loadAssistantDefinitions(path.join(ROOT, 'assistants'), { knownTools: registry.names(), dataDir: path.join(ROOT, 'data') });
  if (!definitions.some((d) => d.key === config.DEFAULT_ASSISTANT)) {
    throw new Error(`DEFAULT_ASSISTANT "${config.DEFAULT_ASSISTANT}" has no definition in assistants/`);
  }
  const upstream = describeUpstream(config);
  console.log(`Syncing ${definitions.length} assistants for deployment "${config.DEPLOYMENT_ID}" to ${upstream.provider} (${upstream.host})`);
  const report = await syncAssistants({
    client: createUpstreamClient(config),
    definitions,
    dataDir: path.join(ROOT, 'data'),
    deploymentId: config.DEPLOYMENT_ID,
    functionTools: (names) => registry.functionTools(names),
    defaultModel: config.MODEL_DEPLOYMENT,
    logger,
  });
  for (const line of formatSyncReport(report)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(`assistants:sync failed: ${redact(error instanceof Error ? error.message : String(error))}`);
  process.exitCode = 1;
});
