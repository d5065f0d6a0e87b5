// Authentication is part of every `azd up`: an Entra ID app registration (Microsoft Graph Bicep extension) unless
// an existing one is named, App Service Authentication always on for it, and the app validating its tokens too.
// An empty client id can no longer mean "open": the api module requires one.
import { describe, expect, it } from 'vitest';
import { declarations, find, literalValue, property, propertyPath } from './support/bicep-text';
import { appSettingsOf, settingsEnv } from './support/app-settings';
import { loadInfraSources } from './support/infra-files';

const sources = loadInfraSources();
const main = declarations(sources.text('infra/main.bicep'));
const api = declarations(sources.text('infra/app/api.bicep'));
const authModule = declarations(sources.text('infra/app/api-auth.bicep'));

describe('the API app registration', () => {
  it('is created with the Microsoft Graph extension whenever AZURE_AUTH_CLIENT_ID is empty', () => {
    expect(sources.text('infra/app/api-auth.bicep')).toMatch(/^extension microsoftGraphV1$/m);
    expect(JSON.parse(sources.text('infra/bicepconfig.json')).extensions.microsoftGraphV1).toMatch(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d+\.\d+\.\d+$/);
    const module = find(main, 'module', 'apiAuth');
    expect(module?.path).toBe('app/api-auth.bicep');
    expect(module?.condition).toBe('empty(authClientId)');
    expect(find(main, 'var', 'apiClientId')?.value).toBe('empty(authClientId) ? apiAuth!.outputs.clientId : authClientId');
    expect(propertyPath(find(main, 'module', 'api')?.value ?? '{}', 'params', 'authClientId')).toBe('apiClientId');
  });

  it('is single-tenant, issues v2 tokens for api://<client id> and exposes access_as_user', () => {
    const apps = authModule.filter((d) => d.kind === 'resource' && d.type === 'Microsoft.Graph/applications');
    expect(apps.length).toBeGreaterThan(0);
    const last = apps.at(-1)!.value ?? '{}';
    expect(property(last, 'uniqueName')).toBe('uniqueName');
    expect(property(last, 'identifierUris')).toBe("['api://${app.appId}']");
    const first = apps[0]!.value ?? '{}';
    expect(literalValue(property(first, 'signInAudience'))).toBe('AzureADMyOrg');
    expect(propertyPath(first, 'api', 'requestedAccessTokenVersion')).toBe('2');
    const scopes = propertyPath(first, 'api', 'oauth2PermissionScopes') ?? '';
    expect(scopes).toContain('value: scopeName');
    expect(literalValue(find(authModule, 'var', 'scopeName')?.value)).toBe('access_as_user');
    expect(find(authModule, 'resource', 'servicePrincipal')?.type).toBe('Microsoft.Graph/servicePrincipals');
    // Found again on the next azd up rather than duplicated.
    expect(propertyPath(find(main, 'module', 'apiAuth')?.value ?? '{}', 'params', 'uniqueName')).toBe("'assistants-api-${resourceToken}'");
  });

  it('is told to frontends (client id and scope) as azd outputs', () => {
    expect(find(main, 'output', 'AZURE_API_CLIENT_ID')?.value).toBe('apiClientId');
    expect(find(main, 'output', 'AZURE_API_SCOPE')?.value).toBe("'api://${apiClientId}/access_as_user'");
  });
});

describe('the function app', () => {
  it('cannot be deployed without a client id', () => {
    const param = find(api, 'param', 'authClientId');
    expect(param?.value).toBeUndefined();
    expect(param?.decorators.join(' ')).toContain('@minLength(36)');
  });

  it('always has App Service Authentication on for that registration, v2 issuer of this tenant', () => {
    const site = find(api, 'module', 'functionApp')?.value ?? '{}';
    expect(propertyPath(site, 'params', 'authSettingV2Configuration')).toBe('authSettings');
    const auth = find(api, 'var', 'authSettings')?.value ?? '{}';
    expect(propertyPath(auth, 'platform', 'enabled')).toBe('true');
    expect(propertyPath(auth, 'identityProviders', 'azureActiveDirectory', 'enabled')).toBe('true');
    expect(propertyPath(auth, 'identityProviders', 'azureActiveDirectory', 'registration', 'openIdIssuer')).toBe("'${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'");
    expect(propertyPath(auth, 'identityProviders', 'azureActiveDirectory', 'validation', 'allowedAudiences')).toBe("[authClientId, 'api://${authClientId}']");
  });

  it('validates the same tokens itself (AUTH_ENTRA_*) in cloud mode, so a forged principal never identifies anyone', () => {
    const settings = Object.fromEntries(appSettingsOf(sources.text('infra/app/api.bicep')).map((s) => [s.name, s.value]));
    expect(settings).toMatchObject({ AUTH_MODE: "'cloud'", AUTH_ENTRA_TENANT_ID: 'tenant().tenantId', AUTH_ENTRA_AUDIENCE: 'authClientId' });
    const env = settingsEnv(sources.text('infra/app/api.bicep'), { assistantsProvider: 'foundry', modelDeployment: 'm', authClientId: '9a8b7c6d-0000-4000-8000-00000000a11e' });
    expect(env.AUTH_ENTRA_AUDIENCE).toBe('9a8b7c6d-0000-4000-8000-00000000a11e');
    expect(env).not.toHaveProperty('WEBSITE_AUTH_ENABLED');
  });
});
