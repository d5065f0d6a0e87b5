// The function app's settings as infra/app/api.bicep sets them, turned into the environment the app would
// see, and checked against src/config.ts: what the app needs in the cloud, and nothing it does not read.
import { ConfigError, loadConfig, MCP_SETTING, SECRET_SETTINGS, settingsSchema } from '../../../src/config';
import { declarations, find, literalValue, objectProperties, splitTopLevel, stringLiteral } from './bicep-text';

export interface AppSetting {
  name: string;
  /** The Bicep expression. */
  value: string;
  /** Set only when this Bicep condition holds (e.g. `assistantsProvider == 'azure-openai'`). */
  condition?: string;
}

/** Settings the Functions platform reads rather than src/config.ts (allowed without a schema entry). */
export const PLATFORM_SETTINGS = [/^APPLICATIONINSIGHTS_(CONNECTION_STRING|AUTHENTICATION_STRING)$/, /^FUNCTIONS_/, /^AzureWebJobs/];

/** Settings that must never be set: keys/connection strings (we are keyless) or ones Flex Consumption rejects. */
export const FORBIDDEN_SETTINGS = [
  'AzureWebJobsStorage',
  'ASSISTANTS_API_KEY',
  'APPINSIGHTS_INSTRUMENTATIONKEY',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
];

/** The entries of the objects api.bicep passes as `appSettingsKeyValuePairs` (a literal, a var, or union(...) of vars). */
export function appSettingsOf(apiBicep: string): AppSetting[] {
  const decls = declarations(apiBicep);
  const site = decls.find((d) => d.kind === 'module' && d.value?.includes('appSettingsKeyValuePairs'));
  if (!site?.value) throw new Error('api.bicep: no module sets appSettingsKeyValuePairs');
  const params = objectProperties(site.value).find((p) => p.key === 'params')?.value ?? '{}';
  const pairs = objectProperties(params).find((p) => p.key === 'appSettingsKeyValuePairs')?.value ?? '{}';
  const union = /^union\(([\s\S]*)\)$/.exec(pairs);
  const parts = union ? splitTopLevel(union[1] as string, ',') : [pairs];
  return parts.flatMap((part) => settingsFromExpression(part, decls));
}

function settingsFromExpression(expression: string, decls: ReturnType<typeof declarations>): AppSetting[] {
  const text = expression.trim();
  if (text.startsWith('{')) return objectProperties(text).map((p) => ({ name: p.key, value: p.value }));
  const variable = find(decls, 'var', text);
  if (!variable?.value) throw new Error(`app settings: cannot follow ${text}`);
  // `condition ? { ... } : {}`: settings that exist only for some deployments.
  const conditional = /^([\s\S]+?)\?\s*(\{[\s\S]*\})\s*:\s*\{\s*\}$/.exec(variable.value);
  if (conditional) {
    const condition = (conditional[1] as string).trim();
    return settingsFromExpression(conditional[2] as string, decls).map((s) => ({ ...s, condition }));
  }
  return settingsFromExpression(variable.value, decls);
}

/** Values for api.bicep's parameters in the deployment under test; the rest fall back to their defaults. */
export type Scenario = Record<string, string>;

/** The environment the app would see: literal values as written, parameters from the scenario, placeholders for expressions. */
export function settingsEnv(apiBicep: string, scenario: Scenario, settings = appSettingsOf(apiBicep)): Record<string, string> {
  const params = declarations(apiBicep).filter((d) => d.kind === 'param');
  const paramValue = (name: string) => scenario[name] ?? literalValue(params.find((p) => p.name === name)?.value);
  const env: Record<string, string> = {};
  for (const setting of settings) {
    if (setting.condition !== undefined && !holds(setting.condition, paramValue)) continue;
    env[setting.name] = resolveValue(setting, paramValue);
  }
  return env;
}

function resolveValue(setting: AppSetting, paramValue: (name: string) => string | undefined): string {
  const literal = stringLiteral(setting.value);
  if (literal !== undefined) return literal;
  if (/^\w+$/.test(setting.value)) {
    const value = paramValue(setting.value);
    if (value !== undefined) return value;
  }
  // An interpolation keeps its literal parts ('ClientId=${id};Authorization=AAD'), unless the result
  // cannot stand for the setting's type (a URL built from parts): then, like any other expression
  // (a module output, a Key Vault reference the platform resolves), it becomes a placeholder.
  const template = /^'([\s\S]*)'$/.exec(setting.value);
  if (template && !setting.value.startsWith("'@Microsoft.KeyVault(")) {
    const text = (template[1] as string).replace(/\$\{(\w+)\}/g, (_, name: string) => paramValue(name) ?? 'placeholder');
    if (!/\$\{/.test(text) && acceptedBy(setting.name, text)) return text;
  }
  return placeholderFor(setting.name);
}

function acceptedBy(name: string, value: string): boolean {
  const schema = (settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[name];
  return !schema || schema.safeParse(value).success;
}

const PLACEHOLDERS = ['https://placeholder.example.com', '00000000-0000-0000-0000-000000000000', 'placeholder'];

/** A stand-in for a value only known at deployment: the first one the setting's schema accepts. */
export function placeholderFor(name: string): string {
  const value = PLACEHOLDERS.find((candidate) => acceptedBy(name, candidate));
  if (value === undefined) throw new Error(`${name}: no placeholder fits its schema; give it a scenario value`);
  return value;
}

/** The small condition forms infra uses: `p == 'x'`, `p != 'x'`, `empty(p)`, `!empty(p)`. */
function holds(condition: string, paramValue: (name: string) => string | undefined): boolean {
  let m = /^(\w+)\s*(==|!=)\s*'([^']*)'$/.exec(condition);
  if (m) return (paramValue(m[1] as string) === m[3]) === (m[2] === '==');
  m = /^(!?)empty\((\w+)\)$/.exec(condition);
  if (m) return !paramValue(m[2] as string) === (m[1] === '');
  throw new Error(`unsupported app-setting condition: ${condition}`);
}

export interface CloudExpectations {
  provider: 'foundry' | 'azure-openai' | 'foundry-classic';
  modelDeployment: string;
}

/** What is wrong with `env` as the settings of the deployed app; empty when the app would run as intended. */
export function cloudConfigProblems(env: Record<string, string>, expected: CloudExpectations): string[] {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  const problems: string[] = [];
  const need = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem);
  };
  need(config.provider === expected.provider, `ASSISTANTS_PROVIDER: the app would use provider ${config.provider}, not ${expected.provider}`);
  need(config.authMode === 'cloud', `AUTH_MODE: the app would trust x-user-id (${config.authMode})`);
  need(config.AzureWebJobsStorage === undefined, 'AzureWebJobsStorage__queueServiceUri: storage would fall back to a connection string');
  need(config.AzureWebJobsStorage__blobServiceUri, 'AzureWebJobsStorage__blobServiceUri: the Functions host needs blob storage');
  need(config.AzureWebJobsStorage__credential === 'managedidentity', 'AzureWebJobsStorage__credential: identity-based storage needs managedidentity');
  need(config.AzureWebJobsStorage__clientId, 'AzureWebJobsStorage__clientId: the host would look for a system-assigned identity the app does not have');
  need(config.AZURE_CLIENT_ID, 'AZURE_CLIENT_ID: keyless model access needs the user-assigned identity');
  need(config.MODEL_DEPLOYMENT === expected.modelDeployment, `MODEL_DEPLOYMENT: the app would call ${config.MODEL_DEPLOYMENT}, not ${expected.modelDeployment}`);
  need(config.DEPLOYMENT_ID !== 'local', 'DEPLOYMENT_ID: cleanup would treat upstream objects as the local deployment');
  need(config.EMAIL_LOGIC_APP_URL, 'EMAIL_LOGIC_APP_URL: send_email would be unconfigured');
  need(env.APPLICATIONINSIGHTS_CONNECTION_STRING, 'APPLICATIONINSIGHTS_CONNECTION_STRING: no telemetry');
  need(/^ClientId=.+;Authorization=AAD$/.test(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? ''), 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING: App Insights accepts Entra ID only');
  return problems;
}

/** Setting names the app does not read and the platform does not own, or that must never be set. */
export function settingNameProblems(settings: AppSetting[]): string[] {
  const known = new Set(Object.keys(settingsSchema.shape));
  return settings.flatMap((s) => {
    if (FORBIDDEN_SETTINGS.includes(s.name)) return [`${s.name}: must not be set (keys, connection strings or settings Flex Consumption rejects)`];
    // MCP_* settings are read by name (config.mcpSettings) for the MCP servers assistants/*.json name.
    if (known.has(s.name) || MCP_SETTING.test(s.name) || PLATFORM_SETTINGS.some((p) => p.test(s.name))) return [];
    return [`${s.name}: not a setting src/config.ts reads nor a platform setting`];
  });
}

/** Secret settings (src/config.ts SECRET_SETTINGS) may only be Key Vault references. */
export function secretSettingProblems(settings: AppSetting[]): string[] {
  return settings
    .filter((s) => SECRET_SETTINGS.has(s.name) && !/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)'$/.test(s.value))
    .map((s) => `${s.name}: a secret setting must be a Key Vault reference, not ${s.value}`);
}
