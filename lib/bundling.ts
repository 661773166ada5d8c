/**
 * How Lambda code is bundled: the one definition shared by the CDK construct (which hands these
 * settings to `NodejsFunction`), `npm run invoke` (which runs the same bundle locally) and the
 * cold-start benchmark (which measures it). Plain esbuild options, so importing this needs neither
 * aws-cdk-lib nor a CDK app.
 *
 * Why these settings:
 * - ES modules: the authorizer uses top-level `await` to hydrate JWKS during init;
 * - `mainFields: ['module', 'main']`: prefer packages' ES-module builds, which tree-shake far
 *   better (the AWS SDK especially);
 * - AWS SDK bundled (nothing external): the SDK version is the one pinned here and tested, not
 *   whatever the runtime ships, and a bundled client starts faster (aws/aws-cdk#25492);
 * - minified with names kept: small, yet error classes still log as `RevocationUnavailableError`;
 * - source maps, so stack traces point at TypeScript.
 */
import type { BuildOptions } from 'esbuild';

/** The Lambda runtime's Node.js major version (nodejs20.x is deprecated in Lambda). */
export const LAMBDA_NODE_MAJOR = 22;

/** Entry points, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  authorizer: 'lambdas/authorizer/index.ts',
  revoke: 'lambdas/revoke/index.ts',
} as const;

/**
 * Some bundled CommonJS dependencies call `require()` for Node built-ins, which an ES-module
 * bundle does not define; this banner provides it.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tollboothCreateRequire } from 'node:module'; const require = __tollboothCreateRequire(import.meta.url);";

/** esbuild options for a Lambda bundle (entry and output are added by the caller). */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${LAMBDA_NODE_MAJOR}`,
  mainFields: ['module', 'main'],
  external: [],
  minify: true,
  keepNames: true,
  sourcemap: true,
  treeShaking: true,
  banner: { js: ESM_REQUIRE_BANNER },
  outExtension: { '.js': '.mjs' },
  legalComments: 'none',
} as const satisfies BuildOptions;
