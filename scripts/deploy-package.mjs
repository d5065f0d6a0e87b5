// Assembles .deploy/, the folder `azd deploy` zips (azure.yaml: `dist: .deploy`, `remoteBuild: false`).
// The esbuild bundle is self-contained (only @azure/functions-core, which the Functions worker provides,
// stays external), so the package needs no node_modules and no sources: the runtime gets exactly what it
// loads. The app finds assistants/ and data/ one level above dist/main.js (src/runtime.ts APP_ROOT), and the web chat
// it serves in dist/web/ (built by web/build.ts).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEPLOY_DIR = '.deploy';

/** What the deployed app reads at run time, copied from the project root. */
export const DEPLOY_INPUTS = ['dist/main.js', 'dist/main.js.map', 'dist/telemetry.js', 'dist/telemetry.js.map', 'dist/web', 'host.json', 'assistants', 'data'];

export function assembleDeployPackage(root = process.cwd()) {
  const out = path.join(root, DEPLOY_DIR);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const input of DEPLOY_INPUTS) {
    cpSync(path.join(root, input), path.join(out, input), { recursive: true });
  }
  // The worker reads `main`; nothing is installed, so dependencies are left out on purpose.
  const project = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const manifest = {
    name: project.name,
    version: project.version,
    private: true,
    main: project.main,
    type: project.type,
    engines: project.engines,
  };
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return out;
}
