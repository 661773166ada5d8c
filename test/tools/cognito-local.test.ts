/**
 * A Cognito emulator users run locally: cognito-local 5.3.0 from npm, started by this test on
 * 127.0.0.1 (no Docker), with a pool, an app client, a user in a group, and real access and ID
 * tokens from its InitiateAuth. Its pool ids (`local_…`) and issuer (`http://127.0.0.1:<port>/<pool>`)
 * fit no AWS pool, so the pool is trusted through `emulatorIssuer` — and every Cognito check stays:
 * only access tokens, only the configured client, required groups, revocation by `jti`.
 *
 * cognito-local's facts this relies on (its source, lib/services/tokenGenerator.js and
 * lib/server/config.js): issuer `http://<HOST>:<PORT>/<pool>`, the pool's JWKS below it, access
 * tokens with `client_id`, `token_use`, `jti`, `cognito:groups` and the fixed scope
 * `aws.cognito.signin.user.admin`, and no `aud`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer, type Authorizer } from '../../lambdas/authorizer/handler';
import { parseConfig } from '../../lambdas/core/config/config';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { LogCapture } from '../helpers/log-capture';
import { freePort, installTool, startTool, toolEnvironment, type RunningTool } from '../helpers/npm-tool';
import { buildEvent, EVENT_KINDS, expectedDenyShape, observe, type EventKindName } from '../security/harness';

const COGNITO_LOCAL = { 'cognito-local': '5.3.0' };
const FIXED_SCOPE = 'aws.cognito.signin.user.admin';
const PASSWORD = 'Passw0rd!tollbooth';

let dynalite: Dynalite;
let cognitoLocal: RunningTool;
let dataDirectory: string;
let endpoint: string;
let poolId: string;
let clientId: string;
let otherClientId: string;
let tokens: { access: string; id: string; otherClientAccess: string };
let logs: LogCapture;

/** One call of Cognito's JSON protocol, as the AWS SDK makes it. */
async function cognito<T>(operation: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function signIn(client: string, username: string): Promise<{ AccessToken: string; IdToken: string }> {
  const result = await cognito<{ AuthenticationResult: { AccessToken: string; IdToken: string } }>('InitiateAuth', {
    ClientId: client,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD },
  });
  return result.AuthenticationResult;
}

beforeAll(async () => {
  const tool = await installTool('cognito-local', COGNITO_LOCAL);
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  dataDirectory = mkdtempSync(join(tmpdir(), 'tollbooth-cognito-local-'));
  cognitoLocal = await startTool(join(tool, 'node_modules/cognito-local/lib/bin/start.js'), [], {
    cwd: dataDirectory,
    env: toolEnvironment({ PORT: String(port), HOST: '127.0.0.1' }),
    ready: async () => (await fetch(`${endpoint}/health`)).ok,
    timeoutMs: 30_000,
  });
  dynalite = await startDynalite();

  const { UserPool } = await cognito<{ UserPool: { Id: string } }>('CreateUserPool', { PoolName: 'tollbooth' });
  poolId = UserPool.Id;
  const flows = { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] };
  clientId = (
    await cognito<{ UserPoolClient: { ClientId: string } }>('CreateUserPoolClient', { UserPoolId: poolId, ClientName: 'orders', ...flows })
  ).UserPoolClient.ClientId;
  otherClientId = (
    await cognito<{ UserPoolClient: { ClientId: string } }>('CreateUserPoolClient', { UserPoolId: poolId, ClientName: 'other', ...flows })
  ).UserPoolClient.ClientId;
  for (const user of ['alice@example.com', 'bob@example.com']) {
    await cognito('AdminCreateUser', {
      UserPoolId: poolId,
      Username: user,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: user }],
    });
    await cognito('AdminSetUserPassword', { UserPoolId: poolId, Username: user, Password: PASSWORD, Permanent: true });
  }
  await cognito('CreateGroup', { UserPoolId: poolId, GroupName: 'orders-admins' });
  await cognito('AdminAddUserToGroup', { UserPoolId: poolId, Username: 'alice@example.com', GroupName: 'orders-admins' });
  const alice = await signIn(clientId, 'alice@example.com');
  tokens = {
    access: alice.AccessToken,
    id: alice.IdToken,
    otherClientAccess: (await signIn(otherClientId, 'alice@example.com')).AccessToken,
  };
  logs = new LogCapture();
}, 600_000);

afterAll(async () => {
  await cognitoLocal?.stop();
  await dynalite?.stop();
  if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
});

/** An authorizer trusting the emulator's pool as a Cognito pool, `extra` on top. */
function authorizer(extra: Record<string, unknown> = {}, simple = false): Authorizer {
  return createAuthorizer(
    parseConfig({
      issuers: [{ type: 'cognito', userPoolId: poolId, clientId: [clientId], emulatorIssuer: `${endpoint}/${poolId}`, ...extra }],
      routes: { [FIXED_SCOPE]: ['GET /orders', 'GET /orders/{id}'], 'orders-admins': ['DELETE /orders/{id}'] },
      jwks: { allowInsecureLoopbackHttp: true },
      revocation: { tableName: dynalite.tableName, notRevokedCacheSeconds: 0, requestTimeoutMs: 2000 },
      httpApiResponseMode: simple ? 'simple' : 'iam',
    }),
    { logger: logs, dynamoDbClient: dynalite.client({ requestTimeoutMs: 2000 }) },
  );
}

async function everyKind(token: string, method: string, path: string, extra: Record<string, unknown> = {}) {
  const handlers = { iam: authorizer(extra), simple: authorizer(extra, true) };
  const results: Array<{ kind: EventKindName; outcome: string; shape?: string; reason: unknown; context?: unknown }> = [];
  for (const kind of EVENT_KINDS) {
    const observation = await observe(
      (kind === 'http-v2-simple' ? handlers.simple : handlers.iam).handler,
      kind,
      buildEvent(kind, { authorization: `Bearer ${token}`, method, path }),
    );
    results.push({
      kind,
      outcome: observation.outcome,
      ...(observation.outcome === 'deny' ? { shape: observation.shape } : {}),
      ...(observation.outcome === 'allow' ? { context: observation.context } : {}),
      reason: logs.lastDecision?.['reason'],
    });
  }
  return results;
}

describe('cognito-local (npm) as a Cognito user pool', () => {
  it("issues tokens aws-jwt-verify's CognitoJwtVerifier cannot take: its pool ids are not AWS pool ids", () => {
    // Act
    const create = () => CognitoJwtVerifier.create({ userPoolId: poolId, clientId, tokenUse: 'access' });
    // Assert
    expect(poolId).toMatch(/^local_/);
    expect(create).toThrow(`Invalid Cognito User Pool ID: ${poolId}`);
  });

  it('allows its access token on every event kind, and hands the backend the pool’s claims', async () => {
    // Act
    const results = await everyKind(tokens.access, 'GET', '/orders/42');
    // Assert
    for (const result of results) {
      expect(result, result.kind).toMatchObject({ outcome: 'allow', reason: 'allowed' });
      expect(result.context, result.kind).toMatchObject({ scope: FIXED_SCOPE, clientId, iss: `${endpoint}/${poolId}` });
    }
  });

  it.each([
    { name: 'its ID token where access tokens are required', token: () => tokens.id, reason: 'wrong_token_use' },
    { name: 'an access token of another app client', token: () => tokens.otherClientAccess, reason: 'wrong_audience' },
  ])('refuses $name on every event kind', async ({ token, reason }) => {
    // Act
    const results = await everyKind(token(), 'GET', '/orders/42');
    // Assert
    for (const result of results)
      expect(result, result.kind).toMatchObject({ outcome: 'deny', shape: expectedDenyShape(result.kind, 'wrong_token_use'), reason });
  });

  it('requires the configured group, and takes groups as scopes when asked', async () => {
    // Prepare
    const bob = await signIn(clientId, 'bob@example.com');
    // Act
    const bobInGroup = await everyKind(bob.AccessToken, 'GET', '/orders', { requiredGroups: ['orders-admins'] });
    const aliceAsAdmin = await everyKind(tokens.access, 'DELETE', '/orders/7', { groupsAsScopes: true });
    // Assert
    for (const result of bobInGroup) expect(result, result.kind).toMatchObject({ outcome: 'deny', reason: 'missing_group' });
    for (const result of aliceAsAdmin) expect(result, result.kind).toMatchObject({ outcome: 'allow', reason: 'allowed' });
  });

  it('accepts its ID token when ID tokens are asked for, the client id then being aud', async () => {
    // Act
    const results = await everyKind(tokens.id, 'GET', '/orders', {
      tokenUse: 'id',
      groupsAsScopes: true,
      requiredGroups: ['orders-admins'],
    });
    // Assert: an ID token carries no scope; the group grants nothing on GET /orders.
    for (const result of results) expect(result, result.kind).toMatchObject({ outcome: 'deny', reason: 'insufficient_scope' });
  });

  it('refuses its access token once its jti is revoked', async () => {
    // Prepare
    const fresh = (await signIn(clientId, 'alice@example.com')).AccessToken;
    const claims = JSON.parse(Buffer.from(fresh.split('.')[1] ?? '', 'base64url').toString()) as { jti: string; exp: number };
    await new RevocationWriter(dynalite.client(), dynalite.tableName).revokeToken({
      issuer: `${endpoint}/${poolId}`,
      jti: claims.jti,
      exp: claims.exp,
    });
    // Act
    const results = await everyKind(fresh, 'GET', '/orders');
    // Assert
    for (const result of results) expect(result, result.kind).toMatchObject({ outcome: 'deny', reason: 'revoked' });
  });

  it('would let its ID token in through the generic OIDC fallback, which is why the emulator issuer exists', async () => {
    // Prepare: what users had to do before: type oidc with audience null (access tokens have no aud).
    const fallback = createAuthorizer(
      parseConfig({
        issuers: [
          {
            type: 'oidc',
            issuer: `${endpoint}/${poolId}`,
            audience: null,
            jwksUri: `${endpoint}/${poolId}/.well-known/jwks.json`,
            groupClaims: ['cognito:groups'],
            groupsAsScopes: true,
          },
        ],
        routes: { 'orders-admins': ['GET /orders'] },
        jwks: { allowInsecureLoopbackHttp: true },
        revocation: { enabled: false },
      }),
      { logger: logs },
    );
    // Act
    const throughFallback = await observe(
      fallback.handler,
      'http-v2-iam',
      buildEvent('http-v2-iam', { authorization: `Bearer ${tokens.id}` }),
    );
    const throughEmulatorIssuer = await everyKind(tokens.id, 'GET', '/orders', { groupsAsScopes: true });
    // Assert
    expect(throughFallback.outcome).toBe('allow');
    for (const result of throughEmulatorIssuer) expect(result, result.kind).toMatchObject({ outcome: 'deny', reason: 'wrong_token_use' });
  });
});
