// Process-wide dependencies for the function adapters, built once from the typed config.
// Logic modules never import this: they take what they need as arguments.
import path from 'node:path';
import type OpenAI from 'openai';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logging';
import { createStorageClients, type StorageClients } from './store/storage-clients';
import { createLedger, type Ledger } from './store/ledger';
import { createRunQueue, type RunQueue } from './store/run-queue';
import { createChatClient, createUpstreamClient } from './upstream';
import { createToolRegistry } from './tools';
import type { ToolRegistry } from './tools';
import { createStorageEmailQuota } from './tools/email/send-quota';
import type { SweepDeps } from './sweep';
import { createAssistantResolver, loadAssistantDefinitions, type AssistantDefinition, type AssistantResolver } from './assistants';

/** The deploy package's root: dist/main.js sits one level below it, beside assistants/ and data/. */
export const APP_ROOT = path.resolve(__dirname, '..');

export interface Runtime {
  config: Config;
  logger: Logger;
  storage: StorageClients;
  ledger: Ledger;
  queue: RunQueue;
  upstream: OpenAI;
  /** Chat completions (copilot router); the upstream client except with Foundry. */
  chat: OpenAI;
  tools: ToolRegistry;
  definitions: AssistantDefinition[];
  assistants: AssistantResolver;
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
  const upstream = createUpstreamClient(cfg);
  const tools = createToolRegistry({ config: cfg, emailQuota: createStorageEmailQuota(cfg, storage) });
  const definitions = await loadAssistantDefinitions(path.join(APP_ROOT, 'assistants'), { knownTools: tools.names(), dataDir: path.join(APP_ROOT, 'data') });
  return {
    config: cfg,
    logger,
    storage,
    ledger: createLedger(cfg, storage),
    queue: createRunQueue(cfg, storage),
    upstream,
    chat: cfg.provider === 'foundry' ? createChatClient(cfg) : upstream,
    tools,
    definitions,
    assistants: createAssistantResolver({ client: upstream, deploymentId: cfg.DEPLOYMENT_ID, definitions, ttlMs: 5 * 60_000 }),
  };
}

/** What one sweep (timer or maintenance route) needs, from the process runtime. */
export function sweepDeps(runtime: Runtime, logger: Logger, holder: string, dryRun?: boolean): SweepDeps {
  return {
    client: runtime.upstream,
    ledger: runtime.ledger,
    config: runtime.config,
    definedAssistantKeys: runtime.definitions.map((definition) => definition.key),
    now: () => new Date(),
    logger,
    holder,
    ...(dryRun === undefined ? {} : { dryRun }),
  };
}
