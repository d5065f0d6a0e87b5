import { defineConfig } from 'vitest/config';

/**
 * The suites that run once per upstream protocol (issue #13): the run, frontend-API and sweep integration
 * suites, the scenarios and the chaos suite. local/stack.ts turns each project's TEST_UPSTREAM_PROTOCOL into the app's
 * UPSTREAM_PROTOCOL. Run one side with `npx vitest run --project assistants` (or `responses`).
 */
const PER_PROTOCOL = [
  'test/integration/runs/**/*.test.ts',
  'test/integration/api/**/*.test.ts',
  'test/integration/sweep/**/*.test.ts',
  'test/scenarios/**/*.test.ts',
  'test/chaos/**/*.test.ts',
  // The web chat in a real browser: it scripts threads through stack.script/scriptChat, so it runs on both.
  'test/browser/**/*.test.ts',
];

export default defineConfig({
  test: {
    // No root `include`: projects extending the root would add their own patterns to it rather than replace it.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start real servers; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'responses', include: PER_PROTOCOL, env: { TEST_UPSTREAM_PROTOCOL: 'responses' } } },
      { extends: true, test: { name: 'assistants', include: PER_PROTOCOL, env: { TEST_UPSTREAM_PROTOCOL: 'assistants' } } },
      // Everything else runs once, on Assistants: it is protocol-independent (host, store, tools, infra, the local
      // server's own suites).
      { extends: true, test: { name: 'once', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...PER_PROTOCOL], env: { TEST_UPSTREAM_PROTOCOL: 'assistants' } } },
    ],
  },
});
