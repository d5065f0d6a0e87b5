// Typed settings: the only module that reads process.env.
// Local-mode defaults let `npm start` run with nothing configured; the seed training's
// `.env` names (OPENAI_URI, OPENAI_KEY, ...) are accepted as aliases.
import { z } from 'zod';
import { PROVIDERS, PROVIDER_PROTOCOLS, protocolProblem, UPSTREAM_PROTOCOLS, type Provider, type UpstreamProtocol } from './upstream/providers';

export { PROVIDERS, type Provider };

/** Canonical setting name → aliases accepted in its place (first one set wins). */
export const SETTING_ALIASES: Record<string, string[]> = {
  ASSISTANTS_ENDPOINT: ['OPENAI_URI'],
  ASSISTANTS_API_KEY: ['OPENAI_KEY'],
  ASSISTANTS_API_VERSION: ['OPENAI_VERSION'],
  MODEL_DEPLOYMENT: ['OPENAI_GPT_DEPLOYMENT'],
  EMAIL_LOGIC_APP_URL: ['EMAIL_URI'],
  ADMIN_KEY: ['FUNCTIONS_MASTER_KEY'],
};

/** Settings that carry credentials or signatures: never logged, never echoed in errors. */
export const SECRET_SETTINGS = new Set(['ASSISTANTS_API_KEY', 'EMAIL_LOGIC_APP_URL', 'STOCK_PRICE_API_KEY', 'AzureWebJobsStorage', 'ADMIN_KEY', 'OTEL_EXPORTER_OTLP_HEADERS']);

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 15m, 24h or 7d')
  .transform(parseDurationMs);

const csv = z.string().transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const url = z.url({ protocol: /^https?$/ });
/** Storage queue names: 3-63 lower-case letters, digits and single hyphens. */
const queueName = z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'a valid queue name');

export const settingsSchema = z.object({
  // Upstream model service.
  ASSISTANTS_PROVIDER: z.enum(PROVIDERS).optional().describe('Which service runs the assistants: local, openai, azure-openai (the v1 API), foundry (a project endpoint, Responses) or foundry-classic (Foundry Agent Service classic, Assistants protocol). Default: azure-openai when OPENAI_URI is set, else local.'),
  UPSTREAM_PROTOCOL: z.enum(UPSTREAM_PROTOCOLS).optional().describe("Protocol spoken upstream: responses or assistants. Default: the provider's (responses; assistants for foundry-classic). Only local speaks both; openai and azure-openai retired assistants."),
  ASSISTANTS_ENDPOINT: url.optional().describe('Azure OpenAI resource endpoint, Foundry project endpoint, or OpenAI base URL.'),
  ASSISTANTS_API_KEY: z.string().min(1).optional().describe('API key (azure-openai with a key, openai). Omit for keyless Entra ID.'),
  ASSISTANTS_API_VERSION: z.string().min(1).optional().describe("Ignored: the v1 APIs take no api-version (foundry-classic always sends v1). Accepted so the training's OPENAI_VERSION still loads."),
  MODEL_DEPLOYMENT: z.string().min(1).default('gpt-4o').describe('Model deployment the assistants run on.'),
  AZURE_CLIENT_ID: z.string().min(1).optional().describe('Client id of the user-assigned managed identity used for keyless access in Azure.'),
  LOCAL_ASSISTANTS_URL: url.default('http://127.0.0.1:7080').describe('Origin of the local Assistants API server (provider local).'),

  // Storage: the run queue and the ledger.
  AzureWebJobsStorage: z.string().min(1).optional().describe('Storage connection string (locally Azurite: UseDevelopmentStorage=true, the default).'),
  AzureWebJobsStorage__queueServiceUri: url.optional().describe('Identity-based storage (Azure): queue service URI.'),
  AzureWebJobsStorage__tableServiceUri: url.optional().describe('Identity-based storage (Azure): table service URI.'),
  AzureWebJobsStorage__blobServiceUri: url.optional().describe('Identity-based storage (Azure): blob service URI (used by the Functions host).'),
  AzureWebJobsStorage__clientId: z.string().min(1).optional().describe('Identity-based storage: client id of the managed identity.'),
  AzureWebJobsStorage__credential: z.literal('managedidentity').optional().describe('Identity-based storage: always managedidentity.'),
  RUN_QUEUE_NAME: queueName.default('runs').describe('Queue the run worker listens on; its poison queue is <name>-poison.'),
  SWEEP_QUEUE_NAME: queueName.default('sweeps').describe('Queue the sweep worker listens on (sweeps requested through POST /api/maintenance/sweep); its poison queue is <name>-poison.'),
  LEDGER_TABLE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/, 'letters and digits').default('ledger').describe("Prefix of the ledger's table names."),

  // Identity of this deployment and its callers.
  DEPLOYMENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ -').default('local').describe("Tags this deployment's objects upstream so cleanup never touches others'."),
  DEFAULT_ASSISTANT: z.string().min(1).default('default').describe('Assistant key used when a request names none.'),
  AUTH_MODE: z.enum(['dev', 'cloud']).optional().describe('dev: caller from x-user-id (local provider, local storage, never in Azure); cloud: Entra ID bearer tokens and the App Service Authentication principal. Default: dev with the local provider on local storage outside Azure, else cloud.'),
  AUTH_ENTRA_TENANT_ID: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/, 'a tenant id or domain').optional().describe('Cloud mode: Entra ID tenant whose bearer tokens the app validates itself (with AUTH_ENTRA_AUDIENCE).'),
  AUTH_ENTRA_AUDIENCE: z.string().min(1).optional().describe("Cloud mode: the API app registration's client id; tokens must be issued for it (or api://<it>)."),
  AUTH_ENTRA_METADATA_URL: url.optional().describe("Cloud mode: OpenID metadata of the token issuer. Default: https://login.microsoftonline.com/<AUTH_ENTRA_TENANT_ID>/v2.0/.well-known/openid-configuration."),
  WEBSITE_AUTH_ENABLED: z.string().optional().describe('Set by App Service: True when App Service Authentication is on. Only then is x-ms-client-principal trusted. Never set it yourself.'),
  WEBSITE_INSTANCE_ID: z.string().optional().describe('Set by App Service in Azure. When present, AUTH_MODE=dev is refused.'),
  ADMIN_KEY: z.string().min(12, 'at least 12 characters').optional().describe('Key the maintenance route requires (x-functions-key or ?code=). In Azure the host checks its admin (master) key before the app; elsewhere the route refuses without this.'),
  CORS_ALLOWED_ORIGINS: csv.default([]).describe('Browser origins allowed by CORS, comma-separated; * for any.'),

  // Tools.
  EMAIL_LOGIC_APP_URL: url.optional().describe('send_email Logic App HTTP trigger URL.'),
  EMAIL_ALLOWED_DOMAINS: csv.optional().describe('Recipient domains send_email may write to, comma-separated: example.com is that domain only, *.example.com its subdomains. Default: example.com locally, none in the cloud.'),
  EMAIL_MAX_RECIPIENTS: int(1, 50).default(5).describe('Most recipients one send_email call may address.'),
  EMAIL_MAX_PER_RUN: int(0, 1_000).default(3).describe('Most send_email calls one run may make (0: none).'),
  EMAIL_MAX_PER_USER_PER_HOUR: int(0, 100_000).default(20).describe('Most send_email calls made for one user in one clock hour (UTC), across runs (0: none).'),
  EMAIL_REPEATABILITY: z.enum(['none', 'acs']).default('none').describe('acs: the Logic App passes Idempotency-Key and Repeatability-First-Sent to ACS Email, which answers a repeat within 5 minutes with the first outcome, so send_email may repeat an ambiguous attempt; none: it never does.'),
  STOCK_PRICE_PROVIDER: z.enum(['fixture', 'twelvedata']).default('fixture').describe('get_stock_price source: the offline fixture (not live prices; the tool and health say so), or Twelve Data quotes (needs STOCK_PRICE_API_KEY).'),
  STOCK_PRICE_URL: url.optional().describe('Twelve Data API base URL (default https://api.twelvedata.com); tests point it at local/market-data.'),
  STOCK_PRICE_API_KEY: z.string().min(1).optional().describe('Twelve Data API key (STOCK_PRICE_PROVIDER=twelvedata); in Azure a Key Vault reference.'),
  TOOL_TIMEOUT: duration.default(30_000).describe("Longest a tool call may take (also bounded by the run's expires_at)."),

  // Following runs.
  RUN_FOLLOW_BUDGET: duration.default(120_000).describe("How long one worker invocation follows a run's event stream before handing it back to the queue."),
  RUN_ACTION_TIMEOUT: duration.default(600_000).describe('How long a run waits for client tool outputs or approvals before it expires. Responses protocol: enforced by the app (the protocol has no expiry); Assistants protocol: the service keeps its own expires_at (10 minutes).'),
  RUN_RECHECK_INTERVAL: duration.default(30_000).describe('How often a run waiting for client tool outputs is re-checked (e.g. for expiry).'),
  RUN_STALL_TIMEOUT: duration.default(180_000).describe('A run whose ledger row has not changed for this long has lost its follower (crash, unsent queue message): the reconciler re-queues it, or ends it past its expiry. Keep it above RUN_FOLLOW_BUDGET plus TOOL_TIMEOUT: a shorter one also re-queues runs still followed (harmless, wasted work).'),
  RUN_MAX_LIFETIME: duration.default(3_600_000).describe('How long a run without an upstream expiry may live before the reconciler gives it up (plus RUN_STALL_TIMEOUT).'),
  RECONCILE_SCHEDULE: z.string().min(1).default('0 * * * * *').describe('NCRONTAB schedule of the run reconciler (default every minute).'),
  RUN_FOLLOW_LEASE: duration.default(20_000).describe("How long a run's follower may go without renewing its lease on the run row (renewed every half lease, only by runs followed that long). Once it lapses the lease reconciler re-queues the run, so a dead instance costs about this plus one LEASE_RECONCILE_SCHEDULE period, not the queue trigger's 10-minute lease."),
  LEASE_RECONCILE_SCHEDULE: z.string().min(1).default('*/10 * * * * *').describe('NCRONTAB schedule of the lease reconciler, which re-queues runs whose follow lease lapsed (default every 10 seconds; one filtered query, nothing when idle).'),
  MAX_WAIT_SECONDS: int(0, 200).default(60).describe('Upper bound of ?wait= on POST .../messages; at most 200, so an answer always leaves before the platform cuts HTTP responses at 230 s.'),

  // Cleanup.
  SWEEP_SCHEDULE: z.string().min(1).default('0 0 * * * *').describe('NCRONTAB schedule of the cleanup sweep (default hourly).'),
  THREAD_TTL: duration.default(30 * 86_400_000).describe('Threads inactive longer than this are deleted.'),
  FILE_TTL: duration.default(7 * 86_400_000).describe("Files older than this and no longer referenced are deleted."),
  VECTOR_STORE_TTL: duration.default(7 * 86_400_000).describe('Vector stores older than this (or past their expiry) are deleted.'),
  LEDGER_RETENTION: duration.default(90 * 86_400_000).describe('Ledger rows older than this are deleted.'),
  SWEEP_MAX_DELETIONS: int(1, 100_000).default(500).describe('Most deletions one sweep makes; the rest waits for the next firing.'),
  SWEEP_DRY_RUN: bool.default(false).describe('List what the scheduled sweep would delete without deleting it.'),

  // HTTP API.
  MAX_UPLOAD_BYTES: int(1, 512 * 1024 * 1024).default(20 * 1024 * 1024).describe('Largest file POST /api/files accepts, in bytes.'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Lowest log level written.'),

  // Telemetry (src/telemetry/). The OTLP exporters and the batch span processor also read the other standard
  // OTEL_* variables themselves (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, per-signal endpoints,
  // OTEL_BSP_*): the one documented exception to this module being the only reader of the environment.
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional().describe('Application Insights: traces, metrics and logs go there through @azure/monitor-opentelemetry, ingested with Entra ID (the managed identity AZURE_CLIENT_ID). An address, not a secret, with local authentication off.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional().describe('OTLP/HTTP collector base URL (…/v1/traces, /v1/metrics and /v1/logs are appended): traces, metrics and logs are exported there.'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf').describe('OTLP encoding: http/protobuf (the standard default) or http/json. grpc is not supported.'),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional().describe('Headers sent to the OTLP collector (key=value,...); read by the exporters themselves. Secret.'),
  OTEL_SERVICE_NAME: z.string().min(1).default('assistants-functions-backend').describe('service.name of every span, metric and log.'),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional().describe('Extra resource attributes (key=value,...), e.g. deployment.environment.name=prod.'),
  OTEL_METRIC_EXPORT_INTERVAL: int(100, 3_600_000).default(60_000).describe('Milliseconds between metric exports.'),
  OTEL_SDK_DISABLED: bool.default(false).describe('true: no telemetry SDK at all, whatever else is set.'),
});

export type Settings = z.infer<typeof settingsSchema>;

export interface Config extends Settings {
  provider: Provider;
  /** The protocol the upstream adapter speaks (src/upstream/port.ts). */
  protocol: UpstreamProtocol;
  authMode: 'dev' | 'cloud';
  emailAllowedDomains: string[];
  /**
   * Settings App Service handed over as the literal `@Microsoft.KeyVault(...)` text: it could not resolve the
   * reference yet (role assignments still propagating, a missing secret). They are left unset, so only what
   * needs them is unavailable (send_email, a market-data key) and health says why; the app itself starts.
   */
  unresolvedKeyVaultReferences: string[];
  /**
   * Every `MCP_*` app setting, by name: the URLs and auth header values assistants/*.json name for their MCP servers
   * (`urlSetting`, `authSetting`). Secret: never logged. An unresolved Key Vault reference is left out (and listed above).
   */
  mcpSettings: Record<string, string>;
}

/** App settings an assistant definition may name for an MCP server (see src/assistants/definition.ts). */
export const MCP_SETTING = /^MCP_[A-Z0-9_]+$/;

/** What App Service passes through when it cannot resolve a Key Vault reference. */
export const KEY_VAULT_REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads settings from `env` (default: process.env), applying aliases and defaults. Throws ConfigError naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  const unresolvedKeyVaultReferences: string[] = [];
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = [key, ...(SETTING_ALIASES[key] ?? [])].map((name) => env[name]).find((v) => v !== undefined && v !== '');
    if (value !== undefined && KEY_VAULT_REFERENCE.test(value)) unresolvedKeyVaultReferences.push(key);
    else if (value !== undefined) raw[key] = value;
  }
  const mcpSettings: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!MCP_SETTING.test(key) || value === undefined || value === '') continue;
    if (KEY_VAULT_REFERENCE.test(value)) unresolvedKeyVaultReferences.push(key);
    else mcpSettings[key] = value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const given = aliasUsed(key, env);
        return `${given}: ${issue.message}`;
      }),
    );
  }
  const s = parsed.data;
  // The training's .env names select azure-openai when no provider is named.
  const problems: string[] = [];
  // The training's OPENAI_URI means azure-openai; an endpoint under its own name must say which service it is,
  // rather than silently running the local provider (and with it dev identity) next to real resources.
  const provider: Provider = s.ASSISTANTS_PROVIDER ?? (env.OPENAI_URI ? 'azure-openai' : 'local');
  if (!s.ASSISTANTS_PROVIDER && !env.OPENAI_URI && s.ASSISTANTS_ENDPOINT) problems.push('ASSISTANTS_PROVIDER: required when ASSISTANTS_ENDPOINT is set (openai, azure-openai, foundry or foundry-classic)');
  const protocol: UpstreamProtocol = s.UPSTREAM_PROTOCOL ?? PROVIDER_PROTOCOLS[provider][0]!;
  const mismatch = protocolProblem(provider, protocol);
  if (mismatch) problems.push(mismatch);
  const inAzure = Boolean(s.WEBSITE_INSTANCE_ID);
  const authMode = s.AUTH_MODE ?? (provider === 'local' && !inAzure && usesLocalStorage(s) ? 'dev' : 'cloud');
  if (authMode === 'dev' && inAzure) problems.push('AUTH_MODE: dev identity (x-user-id) is refused in Azure (WEBSITE_INSTANCE_ID is set)');
  if (s.AUTH_ENTRA_TENANT_ID && !s.AUTH_ENTRA_AUDIENCE) problems.push('AUTH_ENTRA_AUDIENCE: required with AUTH_ENTRA_TENANT_ID');
  if (s.AUTH_ENTRA_AUDIENCE && !s.AUTH_ENTRA_TENANT_ID) problems.push('AUTH_ENTRA_TENANT_ID: required with AUTH_ENTRA_AUDIENCE');
  if (provider !== 'local' && !s.ASSISTANTS_ENDPOINT && provider !== 'openai') problems.push(`ASSISTANTS_ENDPOINT: required for provider ${provider}`);
  if (provider === 'openai' && !s.ASSISTANTS_API_KEY) problems.push('ASSISTANTS_API_KEY: required for provider openai');
  if (authMode === 'dev' && provider !== 'local') problems.push('AUTH_MODE: dev identity (x-user-id) is only allowed with the local provider');
  if (!s.AzureWebJobsStorage && !s.AzureWebJobsStorage__queueServiceUri) {
    if (provider !== 'local') problems.push('AzureWebJobsStorage: set a connection string or AzureWebJobsStorage__queueServiceUri/__tableServiceUri');
  }
  if (s.AzureWebJobsStorage__queueServiceUri && !s.AzureWebJobsStorage__tableServiceUri) problems.push('AzureWebJobsStorage__tableServiceUri: required with AzureWebJobsStorage__queueServiceUri');
  if (s.STOCK_PRICE_PROVIDER === 'twelvedata' && !s.STOCK_PRICE_API_KEY && !unresolvedKeyVaultReferences.includes('STOCK_PRICE_API_KEY')) problems.push('STOCK_PRICE_API_KEY: required when STOCK_PRICE_PROVIDER=twelvedata');
  // The removed `http` provider took a URL template; a base URL with {symbol} is that old setting left behind.
  if (s.STOCK_PRICE_URL && /\{symbol\}|%7Bsymbol%7D/i.test(s.STOCK_PRICE_URL)) problems.push('STOCK_PRICE_URL: the {symbol} URL template of the removed http provider; set the Twelve Data base URL or leave it unset');
  if (problems.length) throw new ConfigError(problems);

  return {
    ...s,
    // Local runs need no storage configuration: Azurite's well-known development account.
    AzureWebJobsStorage: s.AzureWebJobsStorage ?? (s.AzureWebJobsStorage__queueServiceUri ? undefined : 'UseDevelopmentStorage=true'),
    provider,
    protocol,
    authMode,
    emailAllowedDomains: s.EMAIL_ALLOWED_DOMAINS ?? (provider === 'local' ? ['example.com'] : []),
    unresolvedKeyVaultReferences,
    mcpSettings,
  };
}

/** Azurite (or nothing configured, which means Azurite): the only storage dev identity may run against. */
function usesLocalStorage(s: Settings): boolean {
  if (s.AzureWebJobsStorage__queueServiceUri || s.AzureWebJobsStorage__tableServiceUri) return false;
  const connection = s.AzureWebJobsStorage;
  return connection === undefined || /UseDevelopmentStorage=true|devstoreaccount1|127\.0\.0\.1|localhost/i.test(connection);
}

function aliasUsed(key: string, env: Record<string, string | undefined>): string {
  const alias = (SETTING_ALIASES[key] ?? []).find((name) => env[key] === undefined && env[name] !== undefined);
  return alias ? `${alias} (${key})` : key;
}

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
