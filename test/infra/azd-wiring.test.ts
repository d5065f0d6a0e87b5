// (e) azure.yaml, main.parameters.json and main.bicep agree with each other, module references resolve,
// and the outputs azd hands the postdeploy hook load as the app's config.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { placeholderFor } from './support/app-settings';
import { azdVariableOf, outputsEnv, parameterFileProblems, yamlScalar } from './support/azd-wiring';
import { declarations } from './support/bicep-text';
import { loadInfraSources } from './support/infra-files';
import { moduleReferenceProblems } from './support/template-checks';

const sources = loadInfraSources();
const MAIN = 'infra/main.bicep';
const PARAMETERS = 'infra/main.parameters.json';
const yaml = sources.text('azure.yaml');

describe('azure.yaml', () => {
  it('deploys this project as the TypeScript function service api', () => {
    expect(yamlScalar(yaml, ['services', 'api', 'project'])).toBe('.');
    expect(yamlScalar(yaml, ['services', 'api', 'language'])).toBe('ts');
    expect(yamlScalar(yaml, ['services', 'api', 'host'])).toBe('function');
    expect(yamlScalar(yaml, ['infra', 'path'])).toBe('infra');
    expect(yamlScalar(yaml, ['infra', 'module'])).toBe('main');
  });

  it('syncs the assistants after every deploy, on every OS, then prints the web chat URL (only if the sync worked)', () => {
    expect(yamlScalar(yaml, ['hooks', 'postdeploy', 'posix', 'run'])).toBe('npm run assistants:sync && echo "Web chat: $WEB_URL"');
    expect(yamlScalar(yaml, ['hooks', 'postdeploy', 'windows', 'run'])).toBe('npm run assistants:sync; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }; Write-Host "Web chat: $env:WEB_URL"');
  });
});

describe('main.parameters.json', () => {
  it('matches main.bicep: names, required params and defaults', () => {
    expect(parameterFileProblems(sources.text(MAIN), sources.text(PARAMETERS))).toEqual([]);
  });

  it('takes the azd conventions and VNET_ENABLED from the environment', () => {
    const params = sources.text(PARAMETERS);
    expect(azdVariableOf(params, 'environmentName')).toBe('AZURE_ENV_NAME');
    expect(azdVariableOf(params, 'location')).toBe('AZURE_LOCATION');
    expect(azdVariableOf(params, 'principalId')).toBe('AZURE_PRINCIPAL_ID');
    expect(azdVariableOf(params, 'vnetEnabled')).toBe('VNET_ENABLED');
  });

  it('never feeds an output back in as a different input on the next provision', () => {
    // azd writes outputs into the environment the next `azd provision` substitutes from; only an
    // output that echoes its own parameter (AZURE_LOCATION = location) may share a variable name.
    const outputs = new Map(declarations(sources.text(MAIN)).filter((d) => d.kind === 'output').map((d) => [d.name, d.value]));
    const params = Object.keys(JSON.parse(sources.text(PARAMETERS)).parameters as object);
    const echoes = params.flatMap((name) => {
      const variable = azdVariableOf(sources.text(PARAMETERS), name);
      return variable && outputs.has(variable) ? [`${variable}=${outputs.get(variable)}`] : [];
    });
    expect(echoes).toEqual(['AZURE_LOCATION=location']);
  });

  it('reports a parameter main.bicep does not declare and a default that drifted', () => {
    const mutated = sources.text(PARAMETERS).replace('"modelName"', '"model"').replace('${AZURE_MODEL_CAPACITY=30}', '${AZURE_MODEL_CAPACITY=10}');
    const problems = parameterFileProblems(sources.text(MAIN), mutated);
    expect(problems).toEqual([expect.stringContaining('sets model,'), expect.stringContaining('modelCapacity: default 10')]);
  });

  it('reports a required parameter it does not supply', () => {
    const mutated = JSON.stringify({ parameters: { location: { value: '${AZURE_LOCATION}' } } });
    expect(parameterFileProblems(sources.text(MAIN), mutated)).toEqual([expect.stringContaining('requires environmentName')]);
  });
});

describe('main.bicep outputs', () => {
  const outputs = declarations(sources.text(MAIN)).filter((d) => d.kind === 'output').map((d) => d.name);

  it('include what azd and the docs rely on', () => {
    expect(outputs).toEqual(
      expect.arrayContaining(['AZURE_LOCATION', 'AZURE_TENANT_ID', 'AZURE_RESOURCE_GROUP', 'RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'SERVICE_API_NAME', 'SERVICE_API_URI']),
    );
  });

  it("load as the app's config in the postdeploy hook (assistants sync) and for local runs against the cloud", () => {
    const config = loadConfig(outputsEnv(sources.text(MAIN), placeholderFor));
    expect(config.provider).toBe('foundry');
    expect(config.DEPLOYMENT_ID).not.toBe('local');
    expect(config.AzureWebJobsStorage).toBeUndefined();
  });

  it("never name the app's managed identity, which does not exist on a developer machine or CI runner", () => {
    // AZURE_CLIENT_ID would also overwrite the CI service principal's id in the azd environment.
    expect(outputs).not.toContain('AZURE_CLIENT_ID');
    expect(outputs).not.toContain('AzureWebJobsStorage__clientId');
    expect(outputs).not.toContain('AzureWebJobsStorage__credential');
  });
});

describe('module references', () => {
  const bicep = sources.paths('.bicep');

  it.each(bicep)('resolve in %s (files exist, params match, AVM pinned)', (file) => {
    expect(moduleReferenceProblems(file, sources)).toEqual([]);
  });

  it('report a missing module file, an unknown param and a missing required one', () => {
    const mutated = sources.withEdit(MAIN, (text) =>
      text.replace("'app/vnet.bicep'", "'app/network.bicep'").replace('appPrincipalId: apiIdentity', 'appIdentityPrincipalId: apiIdentity'),
    );
    const problems = moduleReferenceProblems(MAIN, mutated);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('missing infra/app/network.bicep'),
        expect.stringContaining('passes appIdentityPrincipalId'),
        expect.stringContaining('omits required param appPrincipalId'),
      ]),
    );
  });

  it('report an unpinned registry module', () => {
    const mutated = sources.withEdit(MAIN, (text) => text.replace('storage-account:0.8.3', 'storage-account:latest'));
    expect(moduleReferenceProblems(MAIN, mutated)).toEqual([expect.stringContaining('unpinned')]);
  });
});
