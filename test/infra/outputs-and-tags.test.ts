// (d) no secret reaches a deployment output; (e) every resource and module carries the azd tags.
import { describe, expect, it } from 'vitest';
import { declarations, find, literalValue, property } from './support/bicep-text';
import { loadInfraSources, removeLines } from './support/infra-files';
import { callbackUrlProblems, secretOutputProblems, tagProblems } from './support/template-checks';
import { yamlScalar } from './support/azd-wiring';

const sources = loadInfraSources();
const BICEP = sources.paths('.bicep');
const EMAIL = 'infra/app/logic-app-email.bicep';

describe('deployment outputs', () => {
  it('are found in every module', () => {
    expect(BICEP).toEqual(expect.arrayContaining(['infra/main.bicep', 'infra/app/api.bicep', EMAIL, 'infra/app/ai.bicep']));
  });

  it.each(BICEP)('carry no secret in %s', (file) => {
    expect(secretOutputProblems(file, sources.text(file))).toEqual([]);
    expect(callbackUrlProblems(file, sources.text(file))).toEqual([]);
  });

  it('report the Logic App callback URL as an output', () => {
    const mutated = sources.withEdit(EMAIL, (text) => `${text}\noutput triggerUrl string = manualTrigger.listCallbackUrl().value\n`);
    expect(secretOutputProblems(EMAIL, mutated.text(EMAIL))).toEqual([expect.stringContaining('triggerUrl calls a list*() function')]);
    expect(callbackUrlProblems(EMAIL, mutated.text(EMAIL))).toEqual([expect.stringContaining('output triggerUrl')]);
  });

  it('report a connection string output', () => {
    const file = 'infra/main.bicep';
    const mutated = sources.withEdit(file, (text) => `${text}\noutput APPLICATIONINSIGHTS_CONNECTION_STRING string = appInsights.outputs.connectionString\n`);
    expect(secretOutputProblems(file, mutated.text(file))).toEqual([expect.stringContaining('APPLICATIONINSIGHTS_CONNECTION_STRING')]);
  });

  it('report an output of a @secure parameter', () => {
    const file = 'infra/app/api.bicep';
    const mutated = sources.withEdit(file, (text) => `${text}\n@secure()\nparam apiKey string\noutput keyEcho string = 'key=\${apiKey}'\n`);
    expect(secretOutputProblems(file, mutated.text(file))).toEqual([expect.stringContaining('uses @secure param apiKey')]);
  });

  it('report the callback URL used anywhere but a Key Vault secret', () => {
    const mutated = sources.withEdit(EMAIL, (text) => `${text}\nvar leaked = manualTrigger.listCallbackUrl().value\n`);
    expect(callbackUrlProblems(EMAIL, mutated.text(EMAIL))).toEqual([expect.stringContaining('var leaked')]);
  });
});

describe('azd tags', () => {
  it('are the environment name, on the resource group', () => {
    const main = declarations(sources.text('infra/main.bicep'));
    expect(find(main, 'var', 'tags')?.value).toBe("{ 'azd-env-name': environmentName }");
    expect(property(find(main, 'resource', 'rg')?.value ?? '{}', 'tags')).toBe('tags');
  });

  it.each(BICEP)('reach every resource and module in %s', (file) => {
    expect(tagProblems(file, sources)).toEqual([]);
  });

  it("mark the function app as azure.yaml's service", () => {
    const api = declarations(sources.text('infra/app/api.bicep'));
    const site = find(api, 'module', 'functionApp');
    expect(property(property(site?.value ?? '{}', 'params') ?? '{}', 'tags')).toBe("union(tags, { 'azd-service-name': serviceName })");
    const serviceName = literalValue(find(api, 'var', 'serviceName')?.value);
    expect(serviceName).toBe('api');
    expect(yamlScalar(sources.text('azure.yaml'), ['services', serviceName ?? '', 'host'])).toBe('function');
  });

  it('report a resource that lost its tags', () => {
    const file = 'infra/app/ai.bicep';
    const mutated = sources.withEdit(file, (text) => removeLines(text, /^\s*tags: tags$/));
    expect(tagProblems(file, mutated)).toEqual([expect.stringContaining('resource account'), expect.stringContaining('resource project')]);
  });

  it('report a module call without tags', () => {
    const file = 'infra/main.bicep';
    const mutated = sources.withEdit(file, (text) => text.replace(/(module storage [\s\S]*?)\n\s*tags: tags\n/, '$1\n'));
    expect(tagProblems(file, mutated)).toEqual([expect.stringContaining('module storage')]);
  });
});
