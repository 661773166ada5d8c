/**
 * The local stack pointed at "real" infrastructure through the production settings: an identity
 * provider it did not start (a JWKS server with jose-minted tokens) via `TOLLBOOTH_CONFIG`, and a
 * table it did not create (a separate dynalite, reached through the AWS SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_REGION` / credentials) via `TOLLBOOTH_REVOCATION_TABLE`.
 * Then it starts no dynalite, revocations land in that table, and the dev issuer is trusted beside
 * the configured IdP.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../bin/local/local-stack';
import { revocationKey } from '../../lambdas/core/revocation-table';
import { SAMPLE_SCOPE_ROUTES } from '../../lib/sample-config';
import { startDynalite, TEST_CREDENTIALS, type Dynalite } from '../helpers/dynalite';
import { TestClock } from '../helpers/fixture';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { generateTestKey, type TestKey } from '../helpers/keys';
import { call, jtiOf, runTool } from '../helpers/local-stack';
import { mintToken } from '../helpers/tokens';

const AUDIENCE = 'https://api.example.test';

let idp: JwksServer;
let key: TestKey;
let table: Dynalite;
let stack: LocalStack;
let clock: TestClock;

beforeAll(async () => {
  key = await generateTestKey('ES256');
  [idp, table] = await Promise.all([startJwksServer([key.publicJwk]), startDynalite('prod-revocations')]);
  // The SDK's standard chain reads these from the process environment, as it would in production.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', table.endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
  clock = new TestClock();
  stack = await startLocalStack({
    now: clock.now,
    env: {
      TOLLBOOTH_CONFIG: JSON.stringify({
        issuers: [{ type: 'oidc', issuer: idp.origin, audience: [AUDIENCE], jwksUri: idp.url }],
        routes: SAMPLE_SCOPE_ROUTES,
        jwks: { allowInsecureLoopbackHttp: true },
        revocation: { notRevokedCacheSeconds: 2 },
      }),
      TOLLBOOTH_REVOCATION_TABLE: table.tableName,
    },
  });
});

afterAll(async () => {
  await stack.close();
  await Promise.all([idp.close(), table.stop()]);
  vi.unstubAllEnvs();
});

const mint = (subject: string, scope: string): Promise<string> =>
  mintToken({ key, issuer: idp.origin, audience: AUDIENCE, subject, scope });

describe('local stack on a configured IdP and table', () => {
  it('starts no dynalite, uses the configuration with the dev issuer trusted beside its IdP', () => {
    expect(stack.trustedIssuers).toEqual([idp.origin, stack.devIssuer.issuer]);
    expect(stack.revocationTable).toEqual({
      name: 'prod-revocations',
      endpoint: undefined,
      embedded: false,
      maxTokenLifetimeSeconds: 86_400,
    });
    expect(stack.notRevokedCacheSeconds).toBe(2);
  });

  it("accepts the dev issuer's tokens on the configuration's routes too", async () => {
    const token = stack.devIssuer.mint({ sub: 'dev', scope: 'orders:read' });
    expect((await call(stack, 'GET', '/orders', { token })).status).toBe(200);
    expect((await call(stack, 'POST', '/orders', { token })).status).toBe(403);
  });

  it("accepts the IdP's tokens, and a revocation through the endpoint lands in that table and bites", async () => {
    // Prepare
    const token = await mint('alice', 'orders:read');
    const admin = await mint('ops', 'tollbooth:admin');
    expect((await call(stack, 'GET', '/orders', { token })).status).toBe(200);
    // Act
    const revoked = await call(stack, 'POST', '/revocations', { token: admin, form: { token } });
    clock.advanceSeconds(stack.authorizerCacheTtlSeconds + stack.notRevokedCacheSeconds);
    // Assert
    expect(revoked.status).toBe(200);
    const client = table.client();
    const row = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: revocationKey('jti', idp.origin, jtiOf(token)) } } }),
    );
    client.destroy();
    expect(row.Item?.['reason']).toEqual({ S: 'POST /revocations (by ops)' });
    expect((await call(stack, 'GET', '/orders', { token })).status).toBe(403);
  });

  it('lets `revoke --table` write that table with ordinary AWS settings, and the stack honours it', async () => {
    // Prepare: the tool runs on real time, so the token predates its cut-off second
    const token = await mintToken({
      key,
      issuer: idp.origin,
      audience: AUDIENCE,
      subject: 'bob',
      scope: 'orders:read',
      claims: { iat: Math.floor(Date.now() / 1000) - 3 },
    });
    // Act
    const result = await runTool('revoke', ['--sub', 'bob', '--iss', idp.origin, '--table', table.tableName], {
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      TOLLBOOTH_STATE_DIR: '/nonexistent',
    });
    // Assert
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`revoked every token of sub=bob`);
    expect(result.stdout).toContain(`in table ${table.tableName}`);
    expect((await call(stack, 'GET', '/orders', { token })).status).toBe(403);
  });

  it('lets `revoke --table --endpoint-url` write that table as the AWS CLI would address DynamoDB Local', async () => {
    // Prepare
    const token = await mintToken({
      key,
      issuer: idp.origin,
      audience: AUDIENCE,
      subject: 'carol',
      scope: 'orders:read',
      claims: { iat: Math.floor(Date.now() / 1000) - 3 },
    });
    // Act
    const result = await runTool(
      'revoke',
      ['--sub', 'carol', '--iss', idp.origin, '--table', table.tableName, '--endpoint-url', table.endpoint, '--region', 'eu-west-1'],
      {
        AWS_ENDPOINT_URL_DYNAMODB: '',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        TOLLBOOTH_STATE_DIR: '/nonexistent',
      },
    );
    // Assert
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`revoked every token of sub=carol`);
    expect(result.stdout).toContain(`in table ${table.tableName} at ${table.endpoint}`);
    expect((await call(stack, 'GET', '/orders', { token })).status).toBe(403);
  });

  it('says in one line, without a stack trace, that no AWS credentials were found, and where they go', async () => {
    // Act: no credentials anywhere in the SDK's standard chain
    const result = await runTool(
      'revoke',
      ['--sub', 'dave', '--iss', idp.origin, '--table', table.tableName, '--endpoint-url', table.endpoint, '--region', 'eu-west-1'],
      {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
        AWS_WEB_IDENTITY_TOKEN_FILE: '',
        TOLLBOOTH_STATE_DIR: '/nonexistent',
      },
    );
    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `tollbooth-revoke: table ${table.tableName} at ${table.endpoint} could not be written: CredentialsProviderError: Could not load credentials from any providers (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n`,
    );
  });
});
