/**
 * One vitest configuration, one project per suite, split by what each suite starts:
 * - unit: no network, no servers (test/unit/no-network.setup.ts refuses every socket);
 * - integration: real loopback JWKS servers and dynalite;
 * - cdk: the constructs, stack and app synthesized (bundling off except in bundle.test.ts), cdk-nag,
 *   the event files and `npm run invoke`;
 * - e2e: the local stack (`npm start`'s) over real HTTP, and the command-line tools as processes;
 * - security: the attack catalogue, the fast fuzz budget and fault injection (real loopback servers);
 * - package: the packed tarball installed into the example apps outside the repository, synthesized
 *   with the cdk CLI; run on its own after the others (`npm run test:package`), as its installs
 *   would compete for the two cores with the timing-sensitive fault tests;
 * - tools: third-party tools users run (cognito-local, serverless-offline), installed from npm
 *   outside the repository and started by the tests; run with the package project;
 * Run all with `npm test`, or one with `vitest --config test/vitest.config.ts --project unit`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  test: {
    root,
    // The machine has two cores; more workers only add contention to timing-sensitive servers.
    maxWorkers: 2,
    // The SDK warns that releases after January 2027 need Node 22; Lambda runs 22, this machine 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // `npm test` runs every project with --coverage, and these thresholds fail it when lambdas/
    // loses coverage. They sit a little under what the whole suite measured when they were set (the
    // commit that set them has the figures), so an untested new module fails it while the odd
    // timing-dependent branch does not. The Lambda entries (index.ts) count like any module: the unit
    // tests in test/unit/entries import each one in process, with its variables set and its AWS
    // clients mocked at their class (the bundle test also runs the bundled authorizer, in a child
    // process, where coverage cannot see it).
    coverage: {
      provider: 'v8',
      include: ['lambdas/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { statements: 97, branches: 93, functions: 97, lines: 97.5 },
    },
    projects: [
      // The setup file makes every socket connect or listen throw: unit tests cannot reach the network.
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/unit/no-network.setup.ts'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
      // Synthesis is CPU-bound (about a second per app here); files share templates in beforeAll.
      { extends: true, test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      { extends: true, test: { name: 'security', include: ['test/security/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 } },
      // npm pack (once, in the global setup), installs into fresh apps outside the repository, cdk synth:
      // minutes, network to the npm registry.
      {
        extends: true,
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          globalSetup: ['test/package/packed-tarball.setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      // Third-party tools from npm (cognito-local, serverless-offline), installed outside the repository
      // on first use and started by the tests: run with the package project, for the same reasons.
      { extends: true, test: { name: 'tools', include: ['test/tools/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 900_000 } },
    ],
  },
});
