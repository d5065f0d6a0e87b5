// The first `azd up` on a fresh subscription: what would fail minutes in is refused up front, and the
// optional GitHub deploy workflow stays quiet in a copy nobody configured.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlScalar } from './support/azd-wiring';
import { declarations, find } from './support/bicep-text';
import { loadInfraSources } from './support/infra-files';

const root = path.resolve(__dirname, '../..');
const sources = loadInfraSources();

function allowedValues(decorators: string[]): string[] | undefined {
  const allowed = decorators.find((d) => d.startsWith('@allowed('));
  return allowed ? [...allowed.matchAll(/'([^']+)'/g)].map((m) => m[1] as string) : undefined;
}

describe('location', () => {
  const location = find(declarations(sources.text('infra/main.bicep')), 'param', 'location');

  it('is limited to regions that offer Flex Consumption, so azd offers only those', () => {
    const regions = allowedValues(location?.decorators ?? []);
    expect(regions).toBeDefined();
    expect(regions).toEqual(expect.arrayContaining(['eastus', 'eastus2', 'westeurope', 'swedencentral', 'australiaeast']));
    // Canary and restricted regions are not for a first deploy.
    expect(regions!.filter((r) => /euap|stage/.test(r))).toEqual([]);
    expect(new Set(regions).size).toBe(regions!.length);
  });
});

describe('the azd GitHub workflow', () => {
  const workflow = readFileSync(path.join(root, '.github/workflows/azure-dev.yml'), 'utf8');

  it('deploys on a push only where `azd pipeline config` set the variables, and always on dispatch', () => {
    const condition = yamlScalar(workflow, ['jobs', 'deploy', 'if']);
    expect(condition).toContain("github.event_name == 'workflow_dispatch'");
    expect(condition).toContain("vars.AZURE_ENV_NAME != ''");
  });
});

describe('the default model', () => {
  const parameters = JSON.parse(sources.text('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> };
  const fallback = (name: string) => /=([^}]*)\}$/.exec(parameters.parameters[name]?.value ?? '')?.[1];
  const guide = readFileSync(path.join(root, 'docs/deploy.md'), 'utf8');

  it('is the one docs/deploy.md names, with its source and the date it was checked', () => {
    const model = fallback('modelName');
    const version = fallback('modelVersion');
    expect(model).toBeTruthy();
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(guide).toContain(`| \`${model}\`, \`${version}\`,`);
    const section = guide.slice(guide.indexOf('### Choosing the model'), guide.indexOf('### What is uploaded'));
    expect(section).toContain(`\`${model}\` version \`${version}\``);
    expect(section).toMatch(/checked on \d{4}-\d{2}-\d{2}/);
    expect(section).toContain('azd env set AZURE_MODEL_NAME');
  });
});

describe("the project's CI workflow", () => {
  const ci = readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8');

  it('builds the Bicep and fails on lint warnings', () => {
    expect(ci).toContain('az bicep build --file infra/main.bicep');
    const lint = ci.slice(ci.indexOf('Bicep lint'), ci.indexOf('npm run lint'));
    expect(lint).toMatch(/warning\|error/);
    expect(lint).toContain('exit $status');
  });

  it('previews `azd provision` only where credentials are configured', () => {
    expect(yamlScalar(ci, ['jobs', 'provision-preview', 'if'])).toBe("vars.AZURE_CLIENT_ID != '' && vars.AZURE_ENV_NAME != ''");
    expect(ci).toContain('azd provision --preview --no-prompt');
  });
});

describe('the market-data key', () => {
  const main = declarations(sources.text('infra/main.bicep'));
  const api = sources.text('infra/app/api.bicep');

  it('is a secure parameter that reaches the app only as a Key Vault reference, and live quotes need it', () => {
    const param = find(main, 'param', 'stockPriceApiKey');
    expect(param?.decorators).toContain('@secure()');
    expect(param?.value).toBe("''");
    expect(find(main, 'module', 'marketData')?.condition).toBe('!empty(stockPriceApiKey)');
    expect(main.filter((d) => d.kind === 'output').map((d) => d.value).join('\n')).not.toContain('stockPriceApiKey');
    const settings = find(declarations(api), 'var', 'marketDataSettings')?.value ?? '';
    expect(settings).toMatch(/^!empty\(stockPriceApiKeySecretUri\) \? \{/);
    expect(settings).toContain("STOCK_PRICE_API_KEY: '@Microsoft.KeyVault(SecretUri=${stockPriceApiKeySecretUri})'");
    expect(settings).toContain("STOCK_PRICE_PROVIDER: 'twelvedata'");
    expect(api).toContain('union(appSettings, responsesSettings, assistantsSettings, marketDataSettings, mcpSettings)');
  });
});

describe('the calendar MCP server URL', () => {
  const main = declarations(sources.text('infra/main.bicep'));
  const api = sources.text('infra/app/api.bicep');

  it('reaches the app as MCP_CALENDAR_URL from the azd environment variable of that name, and only when set', () => {
    expect(find(main, 'param', 'mcpCalendarUrl')?.value).toBe("''");
    expect(JSON.parse(sources.text('infra/main.parameters.json')).parameters.mcpCalendarUrl).toEqual({ value: '${MCP_CALENDAR_URL}' });
    expect(find(main, 'module', 'api')?.value ?? sources.text('infra/main.bicep')).toContain('mcpCalendarUrl: mcpCalendarUrl');
    expect(find(declarations(api), 'var', 'mcpSettings')?.value).toBe("!empty(mcpCalendarUrl) ? { MCP_CALENDAR_URL: mcpCalendarUrl } : {}");
    expect(api).toMatch(/union\(appSettings,[^)]*\bmcpSettings\)/);
  });
});

describe('the upstream provider', () => {
  const provider = find(declarations(sources.text('infra/main.bicep')), 'param', 'assistantsProvider');

  it('offers only the protocols that are alive, foundry by default, foundry-classic with its retirement date', () => {
    expect(provider?.value).toBe("'foundry'");
    expect(allowedValues(provider?.decorators ?? [])).toEqual(['foundry', 'azure-openai', 'foundry-classic']);
    // Whoever picks the legacy option is told when it ends, in azd's prompt (the description) and in the docs.
    expect(provider?.decorators.join(' ')).toMatch(/foundry-classic[^']*retires on 2027-03-31/);
    expect(readFileSync(path.join(root, 'docs/deploy.md'), 'utf8')).toMatch(/foundry-classic[^\n]*2027-03-31/);
  });
});
