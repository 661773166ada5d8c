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
 * - AWS SDK bundled: the SDK version is the one pinned here and tested, not whatever the runtime
 *   ships, and a bundled client starts faster (aws/aws-cdk#25492). The one exception is
 *   {@link NEVER_LOADED_IN_LAMBDA}, below;
 * - minified with names kept: small, yet error classes still log as `RevocationUnavailableError`;
 * - source maps, so stack traces point at TypeScript — without the sources' text
 *   (`sourcesContent: false`): file and line are all a stack trace needs, and Node reads and
 *   parses the whole map at start when source maps are enabled (NodejsFunction sets
 *   `NODE_OPTIONS=--enable-source-maps` with `sourceMap: true`).
 */
import type { BuildOptions } from 'esbuild';

/** The Lambda runtime's Node.js major version (nodejs20.x is deprecated in Lambda). */
export const LAMBDA_NODE_MAJOR = 22;

/** Entry points, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  authorizer: 'lambdas/authorizer/index.ts',
  revoke: 'lambdas/revoke/index.ts',
  flusher: 'lambdas/flusher/index.ts',
} as const;

/**
 * Some bundled CommonJS dependencies call `require()` for Node built-ins, which an ES-module
 * bundle does not define; this banner provides it.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tollboothCreateRequire } from 'node:module'; const require = __tollboothCreateRequire(import.meta.url);";

/**
 * Credential providers the AWS SDK's default chain only reaches through `await import()` when the
 * environment holds no credentials — for shared config files, SSO, `credential_process` and web
 * identity token files. Lambda always puts the function role's credentials in the environment, so
 * the chain stops at its first link and these are never loaded there (the container and instance
 * metadata providers stay bundled). Left out of the bundle, they took 33 KiB of its 135 KiB gzip
 * (121 KiB of 431 KiB raw) and a quarter of its parse time (`npm run bench`, table "Cold start").
 * If they were ever reached (say `AWS_PROFILE` set on the function), the import fails, the lookup
 * fails, and the authorizer denies with `revocation_unavailable`: closed, not open.
 */
export const NEVER_LOADED_IN_LAMBDA = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
] as const;

/** esbuild options for a Lambda bundle (entry and output are added by the caller). */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${LAMBDA_NODE_MAJOR}`,
  mainFields: ['module', 'main'],
  external: [...NEVER_LOADED_IN_LAMBDA],
  minify: true,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  treeShaking: true,
  banner: { js: ESM_REQUIRE_BANNER },
  outExtension: { '.js': '.mjs' },
  legalComments: 'none',
} as const satisfies BuildOptions;
