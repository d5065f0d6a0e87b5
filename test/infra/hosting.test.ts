import { ledgerTableNames } from '../../src/store/ledger';
// What the app assumes about its hosting, as infra declares it: Flex Consumption on Node 22 with an
// identity-based deployment package, keyless storage/monitoring/model, the run queue and ledger tables,
// CORS and optional App Service Authentication, optional VNet integration.
import { describe, expect, it } from 'vitest';
import { declarations, find, property, propertyPath, stringLiteral } from './support/bicep-text';
import { azdVariableOf } from './support/azd-wiring';
import { loadInfraSources } from './support/infra-files';

const sources = loadInfraSources();
const main = declarations(sources.text('infra/main.bicep'));
const api = declarations(sources.text('infra/app/api.bicep'));
const moduleParam = (decls: typeof main, module: string, ...path: string[]) => propertyPath(find(decls, 'module', module)?.value ?? '{}', 'params', ...path);
const siteParam = (...path: string[]) => moduleParam(api, 'functionApp', ...path);

describe('the function app', () => {
  it('runs on a Flex Consumption (FC1) plan', () => {
    expect(moduleParam(main, 'appServicePlan', 'sku')).toMatch(/name: 'FC1'[\s\S]*tier: 'FlexConsumption'/);
  });

  it('runs Node 22 from a blob container reached with its user-assigned identity', () => {
    expect(siteParam('functionAppConfig', 'runtime')).toMatch(/name: 'node'[\s\S]*version: '22'/);
    expect(siteParam('functionAppConfig', 'deployment', 'storage', 'type')).toBe("'blobContainer'");
    expect(siteParam('functionAppConfig', 'deployment', 'storage', 'authentication', 'type')).toBe("'UserAssignedIdentity'");
    expect(siteParam('functionAppConfig', 'deployment', 'storage', 'authentication', 'userAssignedIdentityResourceId')).toBe('identityId');
  });

  it('serves CORS for CORS_ALLOWED_ORIGINS in the app, or on request in the platform from the same value', () => {
    // Platform CORS would override the app's own CORS headers, so it is opt-in.
    expect(siteParam('siteConfig', 'cors', 'allowedOrigins')).toBe('platformCorsEnabled ? corsOrigins : []');
    expect(find(api, 'param', 'platformCorsEnabled')?.value).toBe('false');
    expect(find(api, 'var', 'corsOrigins')?.value).toContain('split(corsAllowedOrigins');
    expect(propertyPath(find(api, 'var', 'appSettings')?.value ?? '{}', 'CORS_ALLOWED_ORIGINS')).toBe('corsAllowedOrigins');
  });

  it('always turns on App Service Authentication, letting anonymous requests reach the app (which answers 401)', () => {
    expect(siteParam('authSettingV2Configuration')).toBe('authSettings');
    const auth = find(api, 'var', 'authSettings')?.value ?? '{}';
    expect(propertyPath(auth, 'globalValidation', 'requireAuthentication')).toBe('false');
    expect(propertyPath(auth, 'globalValidation', 'unauthenticatedClientAction')).toBe("'AllowAnonymous'");
    expect(propertyPath(auth, 'identityProviders', 'azureActiveDirectory', 'registration', 'clientId')).toBe('authClientId');
  });

  it('joins the VNet only when VNET_ENABLED, with storage behind private endpoints', () => {
    expect(moduleParam(main, 'api', 'virtualNetworkSubnetId')).toBe("vnetEnabled ? vnet!.outputs.appSubnetId : ''");
    expect(find(main, 'module', 'vnet')?.condition).toBe('vnetEnabled');
    expect(find(main, 'module', 'storagePrivateEndpoints')?.condition).toBe('vnetEnabled');
    expect(sources.text('infra/app/vnet.bicep')).toContain("serviceName: 'Microsoft.App/environments'");
    expect(find(declarations(sources.text('infra/app/storage-private-endpoints.bicep')), 'var', 'services')?.value).toBe("['blob', 'queue', 'table']");
  });
});

describe('storage', () => {
  it('accepts Entra ID only', () => {
    expect(moduleParam(main, 'storage', 'allowSharedKeyAccess')).toBe('false');
  });

  it('has the run and sweep queues, their poison queues and the ledger tables the app names', () => {
    expect(stringLiteral(find(main, 'var', 'runQueueName')?.value ?? '')).toBe('runs');
    expect(stringLiteral(find(main, 'var', 'sweepQueueName')?.value ?? '')).toBe('sweeps');
    expect(moduleParam(main, 'storage', 'queueServices', 'queues')).toBe(
      "[{ name: runQueueName }, { name: '${runQueueName}-poison' }, { name: sweepQueueName }, { name: '${sweepQueueName}-poison' }]",
    );
    expect(stringLiteral(find(main, 'var', 'ledgerTablePrefix')?.value ?? '')).toBe('ledger');
    // Exactly the tables the app's ledger uses, so a new ledger table cannot be forgotten in infra.
    const suffixes = Object.values(ledgerTableNames({ LEDGER_TABLE_PREFIX: '' })).map((name) => `'${name}'`).join(', ');
    expect(find(main, 'var', 'ledgerTables')?.value).toBe(`[for suffix in [${suffixes}]: { name: '\${ledgerTablePrefix}\${suffix}' }]`);
    expect(moduleParam(main, 'storage', 'tableServices', 'tables')).toBe('ledgerTables');
    // The app is told the same names.
    expect(moduleParam(main, 'api', 'runQueueName')).toBe('runQueueName');
    expect(moduleParam(main, 'api', 'sweepQueueName')).toBe('sweepQueueName');
    expect(moduleParam(main, 'api', 'ledgerTablePrefix')).toBe('ledgerTablePrefix');
  });
});

describe('keyless services', () => {
  it('App Insights ingests with Entra ID only', () => {
    expect(moduleParam(main, 'appInsights', 'disableLocalAuth')).toBe('true');
  });

  it('the Foundry resource has no keys, manages projects and deploys the chosen model', () => {
    const ai = declarations(sources.text('infra/app/ai.bicep'));
    const account = find(ai, 'resource', 'account')?.value ?? '{}';
    expect(property(account, 'kind')).toBe("'AIServices'");
    expect(propertyPath(account, 'properties', 'disableLocalAuth')).toBe('true');
    expect(propertyPath(account, 'properties', 'allowProjectManagement')).toBe('true');
    expect(find(ai, 'resource', 'project')?.type).toBe('Microsoft.CognitiveServices/accounts/projects');
    expect(propertyPath(find(ai, 'resource', 'modelDeployment')?.value ?? '{}', 'properties', 'model', 'name')).toBe('modelName');
    // Wiring, not a pinned version: the chosen model reaches the deployment, and azd can choose another.
    expect(propertyPath(find(ai, 'resource', 'modelDeployment')?.value ?? '{}', 'properties', 'model', 'version')).toBe('modelVersion');
    const aiParams = propertyPath(find(main, 'module', 'ai')?.value ?? '{}', 'params') ?? '{}';
    expect(property(aiParams, 'modelName')).toBe('modelName');
    expect(property(aiParams, 'modelVersion')).toBe('modelVersion');
    expect(azdVariableOf(sources.text('infra/main.parameters.json'), 'modelName')).toBe('AZURE_MODEL_NAME');
    expect(azdVariableOf(sources.text('infra/main.parameters.json'), 'modelVersion')).toBe('AZURE_MODEL_VERSION');
  });

  it('an existing endpoint replaces the created model', () => {
    expect(find(main, 'var', 'createModel')?.value).toBe('empty(existingAssistantsEndpoint)');
    expect(find(main, 'module', 'ai')?.condition).toBe('createModel');
    expect(find(main, 'var', 'assistantsEndpoint')?.value).toMatch(/^!createModel\s*\? existingAssistantsEndpoint/);
  });
});
