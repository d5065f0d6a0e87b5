// Builds the deployable bundle once before the suites that load it in the local host. Every vitest project
// (one per upstream protocol, see vitest.config.ts) runs this setup; the first one builds for all of them.
import { execFileSync } from 'node:child_process';

const BUILT = 'APP_TEST_BUNDLE_BUILT';

export default function setup(): void {
  if (process.env[BUILT]) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  process.env[BUILT] = '1';
}
