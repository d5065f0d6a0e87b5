// `npm run sweep -- [--dry-run]`: one cleanup sweep now, with this deployment's settings, then the
// summary. Takes the same storage lease as the scheduled sweep, so it never overlaps one.
// Exits non-zero when the sweep failed outright or another sweep held the lease. It sweeps here, directly, not
// through the API's sweep queue: an operator's machine has no 230 s limit and shows the summary as it ends.
import { hostname } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createLogger, redact } from '../src/logging';
import { createLedger } from '../src/store/ledger';
import { createStorageClients } from '../src/store/storage-clients';
import { uploadedDataFileNames } from '../src/assistants';
import { formatSweepSummary, readDefinedAssistantKeys, readDefinedDataFilePaths, runSweep } from '../src/sweep';
import { createUpstreamClient, describeUpstream } from '../src/upstream';

const ROOT = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run sweep -- [--dry-run] [--json]';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--dry-run' && a !== '--json');
  if (unknown.length) throw new Error(`unknown argument(s) ${unknown.join(' ')}\n${USAGE}`);

  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'debug' ? 'debug' : 'warn', fields: { job: 'sweep', deploymentId: config.DEPLOYMENT_ID } });
  const clients = createStorageClients(config);
  const upstream = describeUpstream(config);
  const dryRun = args.includes('--dry-run') || config.SWEEP_DRY_RUN;
  console.log(`Sweeping deployment "${config.DEPLOYMENT_ID}" on ${upstream.provider} (${upstream.host}, ${config.protocol} protocol)${dryRun ? ', dry run' : ''}`);

  const summary = await runSweep({
    client: createUpstreamClient(config),
    protocol: config.protocol,
    ledger: createLedger(config, clients),
    config,
    definedAssistantKeys: await readDefinedAssistantKeys(path.join(ROOT, 'assistants')),
    dataFileNames: async () => uploadedDataFileNames(config.DEPLOYMENT_ID, path.join(ROOT, 'data'), await readDefinedDataFilePaths(path.join(ROOT, 'assistants'))),
    now: Date.now,
    logger,
    holder: `cli@${hostname()}`,
    dryRun,
  });
  console.log(args.includes('--json') ? JSON.stringify(summary, null, 2) : formatSweepSummary(summary).join('\n'));
  if (!summary.leaseAcquired) process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(`sweep failed: ${redact(error instanceof Error ? error.message : String(error))}`);
  process.exitCode = 1;
});
