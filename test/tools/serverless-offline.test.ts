/**
 * The shipped authorizer bundle behind serverless-offline, as docs/serverless-offline.md tells
 * users to run it: serverless 3.40.0 and serverless-offline 13.9.0 from npm (installed outside the
 * repository), the documented `serverless.yml` taken verbatim from that page, the package's own
 * `dist/assets/authorizer/index.mjs` (what `npm run build` left; `npm test` builds first) where
 * an installed package puts it. Every route — HTTP API 2.0 with policies and with simple responses,
 * HTTP API 1.0, REST TOKEN and REQUEST — is called over HTTP with tokens minted by jose, keys
 * served by a loopback JWKS server and revocations in dynalite.
 *
 * serverless-offline builds its own events (`random-account-id`, REST events with `version:
 * "1.0"`, route templates in the ARN) and its own answers to the authorizer's, so this is the
 * check that Tollbooth's answers mean there what they mean on AWS.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { TEST_CREDENTIALS } from '../helpers/dynalite';
import { AUDIENCE, startFixture, type Fixture } from '../helpers/fixture';
import { freePort, installTool, startTool, TOOLS_DIRECTORY, toolEnvironment, type RunningTool } from '../helpers/npm-tool';
import { mintToken } from '../helpers/tokens';

const SERVERLESS = { serverless: '3.40.0', 'serverless-offline': '13.9.0' };
const BUNDLE = join(REPOSITORY_ROOT, 'dist', 'assets', 'authorizer', 'index.mjs');

/** Each route of the documented serverless.yml: how it is called and which authorizer kind guards it. */
const ROUTES = [
  { kind: 'HTTP API 2.0 (policy)', path: '/v2/orders/42', rest: false },
  { kind: 'HTTP API 2.0 (simple)', path: '/v2-simple/orders/42', rest: false },
  { kind: 'HTTP API 1.0', path: '/v1/orders/42', rest: false },
  { kind: 'REST TOKEN', path: '/dev/rest-token/orders/42', rest: true },
  { kind: 'REST REQUEST', path: '/dev/rest-request/orders/42', rest: true },
] as const;

/** The first ```yaml block of the page: the recipe users copy. */
function documentedServerlessYml(): string {
  const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'serverless-offline.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error('docs/serverless-offline.md has no yaml block');
  return block;
}

let fixture: Fixture;
let offline: RunningTool;
let service: string;
let baseUrl: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first (npm test does)`);
  const tool = await installTool('serverless-offline', SERVERLESS);
  fixture = await startFixture();

  // A service folder laid out as a user's: the recipe, the configuration, a backend, and
  // node_modules holding the tools and the tollbooth package's bundle.
  mkdirSync(join(TOOLS_DIRECTORY, 'services'), { recursive: true });
  service = mkdtempSync(join(TOOLS_DIRECTORY, 'services', 'offline-'));
  writeFileSync(join(service, 'serverless.yml'), documentedServerlessYml());
  writeFileSync(
    join(service, 'tollbooth.config.json'),
    JSON.stringify({
      issuers: [{ type: 'oidc', issuer: fixture.issuer, audience: [AUDIENCE], jwksUri: fixture.jwks.url }],
      routes: {
        'orders:read': ROUTES.map((route) => `GET ${route.path.replace(/^\/dev/, '').replace(/42$/, '{id}')}`),
      },
      jwks: { allowInsecureLoopbackHttp: true },
      revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: 0, requestTimeoutMs: 2000 },
    }),
  );
  writeFileSync(
    join(service, 'backend.mjs'),
    "export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ authorizer: event.requestContext?.authorizer ?? null }) });\n",
  );
  mkdirSync(join(service, 'node_modules', 'tollbooth', 'dist', 'assets', 'authorizer'), { recursive: true });
  copyFileSync(BUNDLE, join(service, 'node_modules', 'tollbooth', 'dist', 'assets', 'authorizer', 'index.mjs'));
  for (const name of Object.keys(SERVERLESS)) symlinkSync(join(tool, 'node_modules', name), join(service, 'node_modules', name), 'dir');

  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  baseUrl = `http://127.0.0.1:${httpPort}`;
  offline = await startTool(
    join(tool, 'node_modules', 'serverless', 'bin', 'serverless.js'),
    ['offline', 'start', '--host', '127.0.0.1', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort)],
    {
      cwd: service,
      env: toolEnvironment({
        HOME: service,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        // serverless-offline hands every AWS_* variable to the functions: the revocation table's endpoint.
        AWS_ENDPOINT_URL_DYNAMODB: fixture.dynalite.endpoint,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
      ready: async () => (await fetch(`${baseUrl}/v2/orders/1`)).status === 401,
      timeoutMs: 90_000,
    },
  );
}, 900_000);

afterAll(async () => {
  await offline?.stop();
  await fixture?.close();
  if (service) rmSync(service, { recursive: true, force: true });
});

async function call(path: string, authorization?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, authorization === undefined ? {} : { headers: { authorization } });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

const token = (options: { scope?: string; expiresIn?: number; claims?: Record<string, unknown> } = {}): Promise<string> =>
  mintToken({
    key: fixture.keys.ec,
    issuer: fixture.issuer,
    audience: AUDIENCE,
    subject: 'alice',
    scope: options.scope ?? 'orders:read',
    ...options,
  });

describe('the shipped bundle behind serverless-offline, with the documented serverless.yml', () => {
  it.each(ROUTES)('allows a granted route of the $kind authorizer and hands the backend the context as strings', async ({ path, rest }) => {
    // Act
    const response = await call(path, `Bearer ${await token()}`);
    // Assert
    expect(response.status, offline.output().slice(-2000)).toBe(200);
    const context = (rest ? response.body['authorizer'] : (response.body['authorizer'] as Record<string, unknown>)?.['lambda']) as Record<
      string,
      unknown
    >;
    expect(context).toMatchObject({ sub: 'alice', scope: 'orders:read', iss: fixture.issuer });
  });

  it.each(ROUTES)('answers 401 without an Authorization header on the $kind route, before calling the authorizer', async ({ path }) => {
    // Act
    const response = await call(path);
    // Assert
    expect(response.status).toBe(401);
  });

  it.each(ROUTES)('refuses an expired token on the $kind route: 401 for REST, 403 for an HTTP API', async ({ path, rest }) => {
    // Act
    const response = await call(path, `Bearer ${await token({ expiresIn: -120 })}`);
    // Assert
    expect(response.status).toBe(rest ? 401 : 403);
  });

  it.each(ROUTES)('refuses a token whose scopes do not grant the $kind route with 403', async ({ path }) => {
    // Act
    const response = await call(path, `Bearer ${await token({ scope: 'orders:write' })}`);
    // Assert
    expect(response.status).toBe(403);
  });

  it.each(ROUTES)('refuses a revoked token on the $kind route: 401 for REST, 403 for an HTTP API', async ({ path, rest }) => {
    // Prepare
    const jti = `revoked-${path}`;
    const revoked = await token({ claims: { jti } });
    await new RevocationWriter(fixture.dynalite.client(), fixture.dynalite.tableName).revokeToken({
      issuer: fixture.issuer,
      jti,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    // Act
    const response = await call(path, `Bearer ${revoked}`);
    // Assert
    expect(response.status).toBe(rest ? 401 : 403);
  });

  it('never writes a token to its output', async () => {
    // Prepare
    const secret = await token();
    // Act
    await call('/v2/orders/42', `Bearer ${secret}`);
    // Assert
    expect(offline.output()).not.toContain(secret.split('.')[2]);
  });
});
