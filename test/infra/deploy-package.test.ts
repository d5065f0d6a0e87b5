// What `azd deploy` uploads: azure.yaml points azd at .deploy/ (assembled by `npm run build`) with remote
// build off. The package must hold what the runtime loads and nothing else, and must run on its own:
// copied outside the repository (no node_modules anywhere above it), it starts in the local host.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAssistantsServer } from '../../local/assistants-server';
import { startFunctionsHost } from '../../local/functions-host';
import { stackProtocol } from '../../local/stack';
import { useAzurite } from '../support/azurite';
import { yamlScalar } from './support/azd-wiring';
// @ts-expect-error: plain ESM build script without type declarations
import { assembleDeployPackage, DEPLOY_DIR } from '../../scripts/deploy-package.mjs';

const root = path.resolve(__dirname, '../..');
const azureYaml = readFileSync(path.join(root, 'azure.yaml'), 'utf8');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** azd (service_target_functionapp.go) refuses `remoteBuild: false` when the project's .funcignore excludes node_modules. */
function funcignoreExcludesNodeModules(): boolean {
  const file = path.join(root, '.funcignore');
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .some((line) => /^\/?node_modules\/?$/.test(line));
}

describe('the deploy package', () => {
  const packageDir = (assembleDeployPackage as (root: string) => string)(root);
  const files = listFiles(packageDir);

  it('is what azure.yaml hands azd, with no remote build', () => {
    expect(yamlScalar(azureYaml, ['services', 'api', 'dist'])).toBe(DEPLOY_DIR);
    expect(yamlScalar(azureYaml, ['services', 'api', 'remoteBuild'])).toBe('false');
    expect(funcignoreExcludesNodeModules()).toBe(false);
  });

  it('contains the entry, host.json, package.json and the files the app reads at run time', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/main.js', 'host.json', 'package.json', 'assistants/default.json']));
    expect(files.some((f) => f.startsWith('data/'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe('dist/main.js');
    // Nothing is installed in Azure: a dependency here would be missing at run time.
    expect(manifest).not.toHaveProperty('dependencies');
    expect(manifest).not.toHaveProperty('scripts');
  });

  it('contains the built web chat the Function app serves (dist/web: index.html naming its hashed script and styles)', () => {
    const web = files.filter((f) => f.startsWith('dist/web/'));
    expect(web).toEqual(expect.arrayContaining(['dist/web/index.html', expect.stringMatching(/^dist\/web\/app\.[A-Z0-9]{8}\.js$/), expect.stringMatching(/^dist\/web\/styles\.[A-Z0-9]{8}\.css$/)]));
    const html = readFileSync(path.join(packageDir, 'dist/web/index.html'), 'utf8');
    for (const asset of web.filter((f) => /\.(js|css)$/.test(f))) expect(html).toContain(path.basename(asset));
  });

  it('contains no dev-only code, tests, local data, sources or node_modules', () => {
    const forbidden = files.filter((f) => /^(local|test|bench|web|infra|scripts|src|docs|node_modules|\.data|\.azure)\//.test(f) || /\.ts$/.test(f) || f === 'local.settings.json');
    expect(forbidden).toEqual([]);
  });

  describe('copied outside the repository', () => {
    const azurite = useAzurite();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'deploy-package-'));
    afterAll(() => rmSync(outside, { recursive: true, force: true }));

    it('loads without node_modules and answers health', async () => {
      cpSync(packageDir, outside, { recursive: true });
      const assistants = await startAssistantsServer({ port: 0, host: '127.0.0.1' });
      const env = { ASSISTANTS_PROVIDER: 'local', UPSTREAM_PROTOCOL: stackProtocol(), AzureWebJobsStorage: azurite.current.connectionString, LOCAL_ASSISTANTS_URL: assistants.url, EMAIL_LOGIC_APP_URL: '' };
      const host = await startFunctionsHost({ appPath: path.join(outside, 'dist/main.js'), scriptRoot: outside, env });
      try {
        const res = await fetch(`${host.url}/api/assistants`, { headers: { 'x-user-id': 'deploy-check' } });
        const body = (await res.json()) as { data: Array<{ key: string }> };
        // The assistants list comes from the package's own assistants/ folder.
        expect(res.status).toBe(200);
        expect(body.data.map((a) => a.key)).toContain('default');
        // The web chat, from the package's own dist/web.
        const page = await fetch(`${host.url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<script src="app\.[A-Z0-9]{8}\.js"/);
      } finally {
        await host.close();
        await assistants.close();
      }
    });
  });
});
