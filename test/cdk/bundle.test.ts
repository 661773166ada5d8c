/**
 * The one CDK test that bundles for real: the construct's asset is what esbuild makes of
 * lib/bundling.ts (byte for byte), it carries the configuration file the construct wrote, and it
 * decides an event end to end — keys over HTTP from a loopback JWKS server, revocations from
 * dynalite — when run the way Lambda runs it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { buildLocalBundle, REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { runBundle } from '../../bin/local/run-bundle';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS } from '../../lib/bundling';
import { TollboothAuthorizer } from '../../lib/tollbooth-authorizer';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { testApp } from '../helpers/cdk';
import { startDynalite, TEST_CREDENTIALS, type Dynalite } from '../helpers/dynalite';
import { httpApiV2Event, restTokenEvent } from '../helpers/events';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { generateTestKey, type TestKey } from '../helpers/keys';
import { mintToken } from '../helpers/tokens';

const AUDIENCE = 'https://orders.tollbooth.test';
let outdir: string;
let assetDir: string;
let jwks: JwksServer;
let dynalite: Dynalite;
let key: TestKey;
let issuer: string;

beforeAll(async () => {
  key = await generateTestKey('ES256');
  [jwks, dynalite] = await Promise.all([startJwksServer([key.publicJwk]), startDynalite()]);
  issuer = `${jwks.origin}/issuer`;
  outdir = mkdtempSync(join(tmpdir(), 'tollbooth-cdk-'));
  const app = testApp({ bundle: true, outdir });
  const stack = new Stack(app, 'Bundled');
  const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', {
    issuers: [TrustedIssuer.oidc({ issuer, audiences: [AUDIENCE], jwksUri: jwks.url })],
    scopeRoutes: { 'orders:read': ['GET /orders', 'GET /orders/{id}'] },
    advancedConfig: { jwks: { allowInsecureLoopbackHttp: true } },
  });
  const assembly = app.synth();
  const logicalId = stack.getLogicalId(authorizer.function.node.defaultChild as lambda.CfnFunction);
  const template = JSON.parse(readFileSync(join(assembly.directory, 'Bundled.template.json'), 'utf8')) as {
    Resources: Record<string, { Metadata: Record<string, string> }>;
  };
  assetDir = join(assembly.directory, template.Resources[logicalId]?.Metadata['aws:asset:path'] ?? 'missing');
});

afterAll(async () => {
  await Promise.all([jwks?.close(), dynalite?.stop()]);
  rmSync(outdir, { recursive: true, force: true });
});

describe('the bundled authorizer asset', () => {
  it('holds an ES-module bundle, its source map and the configuration file, with the AWS SDK inside', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    const raw = Buffer.byteLength(code);
    console.info(
      `authorizer bundle as the construct builds it: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzip`,
    );
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('createRequire');
    expect(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')).toContain('"sources"');
    expect(JSON.parse(readFileSync(join(assetDir, 'tollbooth.config.json'), 'utf8'))).toEqual({
      jwks: { allowInsecureLoopbackHttp: true },
      issuers: [{ type: 'oidc', issuer, audience: [AUDIENCE], jwksUri: jwks.url }],
      routes: { 'orders:read': ['GET /orders', 'GET /orders/{id}'] },
      httpApiResponseMode: 'iam',
      // The construct's caches: keyed by route, and none for REST TOKEN authorizers (the {id} above).
      resultsCache: { httpApi: 'route', restRequest: 'route', restToken: 'off' },
      revocation: { enabled: true, notRevokedCacheSeconds: 30, maxTokenLifetimeSeconds: 86_400 },
    });
  });

  it('is byte for byte what esbuild builds from lib/bundling.ts (no drift between construct and npm run invoke)', async () => {
    const direct = mkdtempSync(join(tmpdir(), 'tollbooth-esbuild-'));
    try {
      await build({
        ...LAMBDA_ESBUILD_OPTIONS,
        mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
        external: [...LAMBDA_ESBUILD_OPTIONS.external],
        entryPoints: [join(REPOSITORY_ROOT, LAMBDA_ENTRIES.authorizer)],
        outfile: join(direct, 'index.mjs'),
        absWorkingDir: REPOSITORY_ROOT,
        logLevel: 'silent',
      });
      expect(readFileSync(join(assetDir, 'index.mjs')).equals(readFileSync(join(direct, 'index.mjs')))).toBe(true);
    } finally {
      rmSync(direct, { recursive: true, force: true });
    }
  });

  it.each([
    { kind: 'HTTP API 2.0', event: (token: string) => httpApiV2Event({ authorization: `Bearer ${token}`, path: '/orders/7' }) },
    { kind: 'REST TOKEN', event: (token: string) => restTokenEvent({ authorization: `Bearer ${token}`, path: '/orders/7' }) },
  ])('allows a granted $kind request when run as Lambda runs it, reading its bundled configuration', async ({ event }) => {
    // Prepare
    const { runner } = await buildLocalBundle();
    const token = await mintToken({ key, issuer, audience: AUDIENCE, scope: 'orders:read', subject: 'alice' });
    // Act
    const run = await runBundle({
      runner,
      taskRoot: assetDir,
      event: event(token),
      env: {
        AWS_LAMBDA_FUNCTION_NAME: 'bundle-test',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
        TOLLBOOTH_REVOCATION_TABLE: dynalite.tableName,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    // Assert
    expect(run.result.ok).toBe(true);
    const response = (run.result as { response: APIGatewayAuthorizerResult }).response;
    expect(response.principalId).toBe('alice');
    expect(response.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Allow']);
    expect(run.logs).toContain('"reason":"allowed"');
    expect(run.logs).not.toContain(token);
  });
});
