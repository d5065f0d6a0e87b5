// The composition root: the process-wide dependencies, built once from the typed config, and every
// dependency set the function adapters hand to logic modules (worker, poison handler, start run, run
// commands, sweep). One clock (`now`, epoch milliseconds) serves them all. Logic modules never import
// this: they take what they need as arguments.
import path from 'node:path';
import type OpenAI from 'openai';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logging';
import { createStorageClients, type StorageClients } from './store/storage-clients';
import { createLedger, type Ledger } from './store/ledger';
import { createRunQueue, type RunQueue } from './store/run-queue';
import { createChatClient, createUpstreamClient } from './upstream';
import { createAssistantsRuns } from './upstream/assistants-runs';
import { createToolRegistry } from './tools';
import type { ToolRegistry } from './tools';
import { createStorageEmailQuota } from './tools/email/send-quota';
import type { SweepDeps } from './sweep';
import { createAssistantResolver, loadAssistantDefinitions, type AssistantDefinition, type AssistantResolver } from './assistants';
import { createCopilotRouter, type CopilotRouter } from './copilot';
import type { RunCommandDeps } from './runs/run-commands';
import type { StartRunDeps } from './runs/start-run';
import type { UpstreamRuns } from './runs/upstream-runs';
import type { WorkerDeps } from './runs/worker';
import { tracedLedger, tracedRunQueue, tracedToolFetch, tracedTools, tracedUpstreamFetch } from './telemetry';

/** The deploy package's root: dist/main.js sits one level below it, beside assistants/ and data/. */
export const APP_ROOT = path.resolve(__dirname, '..');

export interface Runtime {
  config: Config;
  logger: Logger;
  storage: StorageClients;
  ledger: Ledger;
  queue: RunQueue;
  upstream: OpenAI;
  /** The run worker's upstream port (src/runs/upstream-runs.ts) over `upstream`. */
  runs: UpstreamRuns;
  /** Chooses the assistant for `auto` (chat completions: the upstream client except with Foundry). */
  router: CopilotRouter;
  tools: ToolRegistry;
  definitions: AssistantDefinition[];
  assistants: AssistantResolver;
  /** The clock: epoch milliseconds. */
  now: () => number;
}

let config: Config | undefined;
let runtime: Promise<Runtime> | undefined;

export function getConfig(): Config {
  config ??= loadConfig();
  return config;
}

export function getRuntime(): Promise<Runtime> {
  runtime ??= buildRuntime().catch((error: unknown) => {
    runtime = undefined; // let the next invocation try again
    throw error;
  });
  return runtime;
}

async function buildRuntime(): Promise<Runtime> {
  const cfg = getConfig();
  const logger = createLogger({ level: cfg.LOG_LEVEL, fields: { deploymentId: cfg.DEPLOYMENT_ID } });
  const storage = createStorageClients(cfg);
  // Telemetry wraps the seams a run crosses (src/telemetry/); each is a no-op without an exporter.
  const upstream = createUpstreamClient(cfg, { fetch: tracedUpstreamFetch({ provider: cfg.provider, model: cfg.MODEL_DEPLOYMENT }) });
  const tools = tracedTools(createToolRegistry({ config: cfg, emailQuota: createStorageEmailQuota(cfg, storage), fetch: tracedToolFetch() }));
  const definitions = await loadAssistantDefinitions(path.join(APP_ROOT, 'assistants'), { knownTools: tools.names(), dataDir: path.join(APP_ROOT, 'data') });
  const chat = cfg.provider === 'foundry' ? createChatClient(cfg) : upstream;
  return {
    config: cfg,
    logger,
    storage,
    ledger: tracedLedger(createLedger(cfg, storage)),
    queue: tracedRunQueue(createRunQueue(cfg, storage)),
    upstream,
    runs: createAssistantsRuns(upstream, cfg.DEPLOYMENT_ID),
    router: createCopilotRouter({ client: chat, model: cfg.MODEL_DEPLOYMENT, definitions }),
    tools,
    definitions,
    assistants: createAssistantResolver({ client: upstream, deploymentId: cfg.DEPLOYMENT_ID, definitions, ttlMs: 5 * 60_000 }),
    now: Date.now,
  };
}

/** What the run worker (and the poison handler) needs, with the invocation's logger. */
export function workerDeps(runtime: Runtime, logger: Logger): WorkerDeps {
  return {
    upstream: runtime.runs,
    ledger: runtime.ledger,
    tools: runtime.tools,
    queue: runtime.queue,
    logger,
    now: runtime.now,
    followBudgetMs: runtime.config.RUN_FOLLOW_BUDGET,
    recheckIntervalMs: runtime.config.RUN_RECHECK_INTERVAL,
    // A claim older than twice the longest a tool may run belongs to a worker that died.
    staleClaimMs: 2 * runtime.config.TOOL_TIMEOUT,
  };
}

/** What starting a run from POST .../messages needs. */
export function startRunDeps(runtime: Runtime, logger: Logger): StartRunDeps {
  return {
    client: runtime.upstream,
    ledger: runtime.ledger,
    queue: runtime.queue,
    assistants: runtime.assistants,
    logger,
    defaultAssistant: runtime.config.DEFAULT_ASSISTANT,
    now: runtime.now,
    router: runtime.router,
  };
}

/** What cancelling a run and submitting client tool outputs need. */
export function runCommandDeps(runtime: Runtime, logger: Logger): RunCommandDeps {
  return { upstream: runtime.runs, ledger: runtime.ledger, queue: runtime.queue, logger, now: runtime.now };
}

/** What one sweep (timer or maintenance route) needs. */
export function sweepDeps(runtime: Runtime, logger: Logger, holder: string, dryRun?: boolean): SweepDeps {
  return {
    client: runtime.upstream,
    ledger: runtime.ledger,
    config: runtime.config,
    definedAssistantKeys: runtime.definitions.map((definition) => definition.key),
    now: runtime.now,
    logger,
    holder,
    ...(dryRun === undefined ? {} : { dryRun }),
  };
}
