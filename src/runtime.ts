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
import { createSweepQueue, type SweepQueue } from './store/sweep-queue';
import { createChatClient, createUpstreamClient, describeUpstream } from './upstream';
import { createAssistantsUpstream } from './upstream/assistants';
import type { Upstream } from './upstream/port';
import { retirementWarning } from './upstream/providers';
import { createResponsesUpstream } from './upstream/responses';
import { createToolRegistry, defaultTools } from './tools';
import { createMcpTools, type McpTools } from './tools/mcp';
import type { ToolRegistry } from './tools';
import { createStorageEmailQuota } from './tools/email/send-quota';
import { runSweep, type SweepDeps } from './sweep';
import type { SweepReconcileDeps } from './sweep/reconcile-requests';
import type { SweepRequestDeps } from './sweep/requests';
import type { SweepWorkerDeps } from './sweep/run-request';
import { createAssistantResolver, loadAssistantDefinitions, uploadedDataFileNames, type AssistantDefinition, type AssistantResolver } from './assistants';
import { createCopilotRouter, textModelFor, type CopilotRouter } from './copilot';
import type { ReconcileDeps } from './runs/reconcile';
import type { RunCommandDeps } from './runs/run-commands';
import type { StartRunDeps } from './runs/start-run';
import type { WorkerDeps } from './runs/worker';
import { approvalPolicy } from './runs/tool-approvals';
import { tracedLedger, tracedRunQueue, tracedToolFetch, tracedTools, tracedUpstreamFetch } from './telemetry';

/** The deploy package's root: dist/main.js sits one level below it, beside assistants/ and data/. */
export const APP_ROOT = path.resolve(__dirname, '..');

export interface Runtime {
  config: Config;
  logger: Logger;
  storage: StorageClients;
  ledger: Ledger;
  queue: RunQueue;
  /** Requested sweeps (POST /api/maintenance/sweep) for the sweep worker. */
  sweepQueue: SweepQueue;
  /** The upstream port (src/upstream/port.ts): the adapter of config.protocol. Everything but the sweep and the sync speaks it. */
  upstream: Upstream;
  /** The raw client of the configured provider, for the sweep and the assistants sync. */
  client: OpenAI;
  /** Chooses the assistant for `auto` (chat completions on Assistants, an unstored response on Responses). */
  router: CopilotRouter;
  tools: ToolRegistry;
  /** The assistants' MCP servers, for health. */
  mcpServers: McpTools['servers'];
  definitions: AssistantDefinition[];
  assistants: AssistantResolver;
  /** Which server tool calls wait for a person's approval, from the definitions. */
  needsApproval(assistantKey: string, tool: string): boolean;
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
  const warning = retirementWarning(cfg.provider);
  if (warning) logger.warn(warning, { upstream: describeUpstream(cfg) });
  const storage = createStorageClients(cfg);
  // Telemetry wraps the seams a run crosses (src/telemetry/); each is a no-op without an exporter.
  const ledger = tracedLedger(createLedger(cfg, storage));
  const client = createUpstreamClient(cfg, { fetch: tracedUpstreamFetch({ provider: cfg.provider, model: cfg.MODEL_DEPLOYMENT }) });
  const toolDeps = { config: cfg, emailQuota: createStorageEmailQuota(cfg, storage), fetch: tracedToolFetch() };
  const builtInTools = defaultTools(toolDeps);
  const definitions = await loadAssistantDefinitions(path.join(APP_ROOT, 'assistants'), { knownTools: builtInTools.map((tool) => tool.name), dataDir: path.join(APP_ROOT, 'data') });
  // The definitions' MCP servers' tools join the registry: one path for every server-side tool call.
  const mcp = createMcpTools(definitions, { config: cfg, logger, fetch: toolDeps.fetch });
  const tools = tracedTools(createToolRegistry({ ...toolDeps, tools: [...builtInTools, ...mcp.tools] }));
  const { upstream, assistants } =
    cfg.protocol === 'responses'
      ? createResponsesUpstream({
          client,
          deploymentId: cfg.DEPLOYMENT_ID,
          definitions,
          defaultModel: cfg.MODEL_DEPLOYMENT,
          functionTools: (names) => tools.declareTools(names),
          dataDir: path.join(APP_ROOT, 'data'),
          actionTimeoutMs: cfg.RUN_ACTION_TIMEOUT,
          ledger,
          logger,
          now: Date.now,
        })
      : {
          upstream: createAssistantsUpstream(client, cfg.DEPLOYMENT_ID),
          assistants: createAssistantResolver({ client, deploymentId: cfg.DEPLOYMENT_ID, definitions, ttlMs: 5 * 60_000 }),
        };
  // The router's model calls go to the upstream client, except on foundry-classic (see createChatClient).
  const chatClient = cfg.provider === 'foundry-classic' ? createChatClient(cfg, { fetch: tracedUpstreamFetch({ provider: cfg.provider, model: cfg.MODEL_DEPLOYMENT }) }) : client;
  return {
    config: cfg,
    logger,
    storage,
    ledger,
    queue: tracedRunQueue(createRunQueue(cfg, storage)),
    sweepQueue: createSweepQueue(cfg, storage),
    upstream,
    client,
    router: createCopilotRouter({ model: textModelFor(cfg.protocol, chatClient, cfg.MODEL_DEPLOYMENT), definitions }),
    tools,
    mcpServers: mcp.servers,
    definitions,
    needsApproval: approvalPolicy(definitions),
    assistants,
    now: Date.now,
  };
}

/** What the run worker (and the poison handler) needs, with the invocation's logger. */
export function workerDeps(runtime: Runtime, logger: Logger): WorkerDeps {
  return {
    upstream: runtime.upstream.runs,
    ledger: runtime.ledger,
    tools: runtime.tools,
    queue: runtime.queue,
    logger,
    now: runtime.now,
    followBudgetMs: runtime.config.RUN_FOLLOW_BUDGET,
    recheckIntervalMs: runtime.config.RUN_RECHECK_INTERVAL,
    // A claim older than twice the longest a tool may run belongs to a worker that died.
    staleClaimMs: 2 * runtime.config.TOOL_TIMEOUT,
    needsApproval: runtime.needsApproval,
    followLeaseMs: runtime.config.RUN_FOLLOW_LEASE,
  };
}

/** What the run reconciler (its timer) needs. */
export function reconcileDeps(runtime: Runtime, logger: Logger): ReconcileDeps {
  return {
    ledger: runtime.ledger,
    queue: runtime.queue,
    upstream: runtime.upstream.runs,
    logger,
    now: runtime.now,
    stallMs: runtime.config.RUN_STALL_TIMEOUT,
    maxLifetimeMs: runtime.config.RUN_MAX_LIFETIME,
    followLeaseMs: runtime.config.RUN_FOLLOW_LEASE,
  };
}

/** What starting a run from POST .../messages needs. */
export function startRunDeps(runtime: Runtime, logger: Logger): StartRunDeps {
  return {
    threads: runtime.upstream.threads,
    ledger: runtime.ledger,
    queue: runtime.queue,
    assistants: runtime.assistants,
    logger,
    defaultAssistant: runtime.config.DEFAULT_ASSISTANT,
    now: runtime.now,
    router: runtime.router,
    followLeaseMs: runtime.config.RUN_FOLLOW_LEASE,
    takeOver: { upstream: runtime.upstream.runs, stallMs: runtime.config.RUN_STALL_TIMEOUT, maxLifetimeMs: runtime.config.RUN_MAX_LIFETIME },
  };
}

/** What cancelling a run and submitting client tool outputs need. */
export function runCommandDeps(runtime: Runtime, logger: Logger): RunCommandDeps {
  return { upstream: runtime.upstream.runs, ledger: runtime.ledger, queue: runtime.queue, logger, now: runtime.now, followLeaseMs: runtime.config.RUN_FOLLOW_LEASE };
}

/** What one sweep (timer or sweep worker) needs. */
export function sweepDeps(runtime: Runtime, logger: Logger, holder: string, dryRun?: boolean): SweepDeps {
  return {
    client: runtime.client,
    protocol: runtime.config.protocol,
    ledger: runtime.ledger,
    config: runtime.config,
    definedAssistantKeys: runtime.definitions.map((definition) => definition.key),
    dataFileNames: () => uploadedDataFileNames(runtime.config.DEPLOYMENT_ID, path.join(APP_ROOT, 'data'), runtime.definitions.flatMap((d) => d.files)),
    now: runtime.now,
    logger,
    holder,
    ...(dryRun === undefined ? {} : { dryRun }),
  };
}

/** What requesting a sweep from the maintenance route needs. */
export function sweepRequestDeps(runtime: Runtime, logger: Logger): SweepRequestDeps {
  return { ledger: runtime.ledger, queue: runtime.sweepQueue, logger, now: runtime.now };
}

/** What the sweep worker (and its poison handler) needs: a requested sweep runs like the timer's. */
export function sweepWorkerDeps(runtime: Runtime, logger: Logger): SweepWorkerDeps {
  return {
    ledger: runtime.ledger,
    logger,
    now: runtime.now,
    sweep: (holder, dryRun) => runSweep(sweepDeps(runtime, logger, holder, dryRun)),
    retentionMs: runtime.config.LEDGER_RETENTION,
  };
}

/** What the reconciler needs for requested sweeps; a request stalls on the same timeout as a run. */
export function sweepReconcileDeps(runtime: Runtime, logger: Logger): SweepReconcileDeps {
  return { ledger: runtime.ledger, queue: runtime.sweepQueue, logger, now: runtime.now, stallMs: runtime.config.RUN_STALL_TIMEOUT };
}
