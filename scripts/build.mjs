// Bundles the deployable app (src/) into dist/main.js, the Functions `main` entry, and assembles .deploy/,
// the package azd uploads.
// `@azure/functions-core` is provided at run time by the Functions worker (or our local host).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { assembleDeployPackage } from './deploy-package.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['@azure/functions-core'],
  // Some Azure SDK packages resolve to ESM builds that use import.meta.url; give them the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
};
// The OpenTelemetry SDK is a bundle of its own, loaded by dist/main.js only when an exporter is configured
// (src/telemetry/start.ts): it is larger than the app, and a process without telemetry never reads it.
await build({ ...common, entryPoints: ['src/telemetry/sdk.ts'], outfile: 'dist/telemetry.js' });
await build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/main.js' });
// The web chat, which the Function app serves at its root (src/functions/web-page.ts), with web/build.ts's own options.
execFileSync(process.execPath, ['--import', 'tsx', 'web/build.ts', '--out', 'dist/web'], { stdio: ['ignore', 'ignore', 'inherit'] });
assembleDeployPackage();
console.log('built dist/main.js, dist/web/ and the deploy package .deploy/');
