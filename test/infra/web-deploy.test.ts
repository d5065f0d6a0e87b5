// The web chat deployed by `azd up` (issue #16): served by the Function app itself at its root, behind the same
// Entra ID sign-in. The wiring: host.json leaves the root to the page's function; the app registration can sign a
// browser in through App Service Authentication (its callback as a web redirect URI, ID tokens); Easy Auth lets
// anonymous requests through so the API keeps answering 401 JSON (the page's function redirects to sign in); azd
// prints where the page is.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarations, find, literalValue, property, propertyPath } from './support/bicep-text';
import { loadInfraSources } from './support/infra-files';

const root = path.resolve(__dirname, '../..');
const sources = loadInfraSources();
const main = declarations(sources.text('infra/main.bicep'));
const api = declarations(sources.text('infra/app/api.bicep'));
const authModule = declarations(sources.text('infra/app/api-auth.bicep'));

describe('the web chat on the Function app', () => {
  it('owns the site root: host.json has no route prefix, and the page function is registered at the root', () => {
    const hostJson = JSON.parse(readFileSync(path.join(root, 'host.json'), 'utf8')) as { extensions: { http: { routePrefix: string } } };
    expect(hostJson.extensions.http.routePrefix).toBe('');
    const fn = readFileSync(path.join(root, 'src/functions/web-page.ts'), 'utf8');
    expect(fn).toMatch(/route: '\{\*path\}'/);
    expect(readFileSync(path.join(root, 'src/main.ts'), 'utf8')).toContain("import './functions/web-page';");
  });

  it('signs browsers in with the API registration: the site callback is a web redirect URI, ID tokens are issued', () => {
    const apps = authModule.filter((d) => d.kind === 'resource' && d.type === 'Microsoft.Graph/applications');
    // Both declarations of the registration (the second adds identifierUris) carry the same web settings.
    for (const app of apps) expect(property(app.value ?? '{}', 'web')).toBe('web');
    const web = find(authModule, 'var', 'web')?.value ?? '{}';
    expect(property(web, 'redirectUris')).toBe('[webSignInRedirectUri]');
    expect(propertyPath(web, 'implicitGrantSettings', 'enableIdTokenIssuance')).toBe('true');
    expect(propertyPath(web, 'implicitGrantSettings', 'enableAccessTokenIssuance')).toBe('false');
    const params = find(main, 'module', 'apiAuth')?.value ?? '{}';
    expect(propertyPath(params, 'params', 'webSignInRedirectUri')).toBe("'https://${functionAppName}.azurewebsites.net/.auth/login/aad/callback'");
    expect(propertyPath(find(main, 'module', 'api')?.value ?? '{}', 'params', 'name')).toBe('functionAppName');
  });

  it('lets anonymous requests reach the app, so the API answers 401 JSON and the page redirects itself', () => {
    const auth = find(api, 'var', 'authSettings')?.value ?? '{}';
    expect(literalValue(propertyPath(auth, 'globalValidation', 'unauthenticatedClientAction'))).toBe('AllowAnonymous');
    expect(propertyPath(auth, 'globalValidation', 'requireAuthentication')).toBe('false');
    // No excluded paths: every request, the API's included, goes through token validation.
    expect(propertyPath(auth, 'globalValidation', 'excludedPaths')).toBeUndefined();
  });

  it('is printed by azd: WEB_URL is the site root of the Function app', () => {
    expect(find(main, 'output', 'WEB_URL')?.value).toBe("'${api.outputs.uri}/'");
    expect(find(api, 'output', 'uri')?.value).toBe("'https://${functionApp.outputs.defaultHostname}'");
  });
});
