/**
 * A Cognito user pool issuer end to end: the pool's JWKS is served on loopback (a fetch-URI
 * override, since Cognito's real URI is on the internet), tokens carry Cognito's claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createHandler, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { httpApiV2Event } from '../helpers/events';
import { SAMPLE_ROUTES, startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { mintToken } from '../helpers/tokens';
import { randomUUID } from 'node:crypto';

const POOL_ID = 'eu-west-1_TestPool1';
const POOL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = '4pq7v0example1client2id3';

let fixture: Fixture;
let logs: LogCapture;

beforeAll(async () => {
  fixture = await startFixture();
  logs = new LogCapture();
});

afterAll(async () => {
  await fixture.close();
});

function cognitoHandler(issuerOverrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): AuthorizerHandler {
  return createHandler(
    fixture.config({
      issuers: [{ type: 'cognito', userPoolId: POOL_ID, clientId: [CLIENT_ID], jwksUri: fixture.jwks.url, ...issuerOverrides }],
      routes: { ...SAMPLE_ROUTES, admins: ['ANY /admin/{proxy+}'] },
      ...extra,
    }),
    { logger: logs, dynamoDbClient: fixture.dynalite.client() },
  );
}

const accessToken = (claims: Record<string, unknown> = {}): Promise<string> =>
  mintToken({
    key: fixture.keys.rsa,
    issuer: POOL_ISSUER,
    claims: { token_use: 'access', client_id: CLIENT_ID, scope: 'orders:read', origin_jti: randomUUID(), ...claims },
  });

async function decide(handler: AuthorizerHandler, token: string, path = '/orders'): Promise<{ allowed: boolean; reason: unknown }> {
  const response = (await handler(httpApiV2Event({ authorization: `Bearer ${token}`, path }))) as APIGatewayAuthorizerResult;
  // Allowed means no Deny at all: auth failures deny every route, a missing scope denies the invoked one.
  return {
    allowed: response.policyDocument.Statement.every((statement) => statement.Effect === 'Allow'),
    reason: logs.lastDecision?.['reason'],
  };
}

describe('Cognito user pool issuer', () => {
  it('allows a Cognito access token of the configured app client', async () => {
    expect(await decide(cognitoHandler(), await accessToken())).toEqual({ allowed: true, reason: 'allowed' });
    expect(logs.lastDecision).toMatchObject({ clientId: CLIENT_ID, iss: POOL_ISSUER });
  });

  it('denies an ID token by default with reason wrong_token_use', async () => {
    const idToken = await mintToken({
      key: fixture.keys.rsa,
      issuer: POOL_ISSUER,
      audience: CLIENT_ID,
      claims: { token_use: 'id', scope: 'orders:read' },
    });
    expect(await decide(cognitoHandler(), idToken)).toEqual({ allowed: false, reason: 'wrong_token_use' });
  });

  it('accepts ID tokens only when configured to, checking aud as the client id', async () => {
    const idToken = await mintToken({
      key: fixture.keys.rsa,
      issuer: POOL_ISSUER,
      audience: CLIENT_ID,
      claims: { token_use: 'id', 'cognito:groups': ['admins'] },
    });
    expect((await decide(cognitoHandler({ tokenUse: 'id', groupsAsScopes: true }), idToken, '/admin/x')).reason).toBe('allowed');
  });

  it('denies a token of another app client with reason wrong_audience', async () => {
    expect(await decide(cognitoHandler(), await accessToken({ client_id: 'someone-else' }))).toEqual({
      allowed: false,
      reason: 'wrong_audience',
    });
  });

  it('denies a token outside the required groups with reason missing_group', async () => {
    const handler = cognitoHandler({ requiredGroups: ['staff'] });
    expect(await decide(handler, await accessToken({ 'cognito:groups': ['guests'] }))).toEqual({ allowed: false, reason: 'missing_group' });
    expect((await decide(handler, await accessToken({ 'cognito:groups': ['staff'] }))).reason).toBe('allowed');
  });

  it('grants routes from groups when groups are used as scopes', async () => {
    const handler = cognitoHandler({ groupsAsScopes: true });
    expect((await decide(handler, await accessToken({ scope: 'openid', 'cognito:groups': ['admins'] }), '/admin/users')).reason).toBe(
      'allowed',
    );
  });

  it('denies every token of a revoked sign-in session (same origin_jti) with reason revoked', async () => {
    const handler = cognitoHandler();
    const originJti = randomUUID();
    const token = await accessToken({ origin_jti: originJti });
    await new RevocationWriter(fixture.dynalite.client(), fixture.dynalite.tableName).revokeSession({ issuer: POOL_ISSUER, originJti });
    expect(await decide(handler, token)).toEqual({ allowed: false, reason: 'revoked' });
  });
});

describe('Cognito emulator pool (emulatorIssuer)', () => {
  const EMULATED_POOL = 'local_3c2TeeQO';
  const emulated = (overrides: Record<string, unknown> = {}) =>
    cognitoHandler(
      { userPoolId: EMULATED_POOL, emulatorIssuer: `${fixture.jwks.origin}/${EMULATED_POOL}`, ...overrides },
      { jwks: { allowInsecureLoopbackHttp: true } },
    );
  const emulatedToken = (claims: Record<string, unknown> = {}): Promise<string> =>
    mintToken({
      key: fixture.keys.rsa,
      issuer: `${fixture.jwks.origin}/${EMULATED_POOL}`,
      claims: { token_use: 'access', client_id: CLIENT_ID, scope: 'orders:read', ...claims },
    });

  it.each([
    { name: 'an access token of the configured client', claims: {}, overrides: {}, expected: { allowed: true, reason: 'allowed' } },
    {
      name: 'an ID token',
      claims: { token_use: 'id', aud: CLIENT_ID },
      overrides: {},
      expected: { allowed: false, reason: 'wrong_token_use' },
    },
    {
      name: 'an access token of another client',
      claims: { client_id: 'other' },
      overrides: {},
      expected: { allowed: false, reason: 'wrong_audience' },
    },
    {
      name: 'a token without token_use',
      claims: { token_use: undefined },
      overrides: {},
      expected: { allowed: false, reason: 'wrong_token_use' },
    },
    {
      name: 'a token outside the required groups',
      claims: { 'cognito:groups': ['staff'] },
      overrides: { requiredGroups: ['admins'] },
      expected: { allowed: false, reason: 'missing_group' },
    },
    {
      name: 'a token in the required groups',
      claims: { 'cognito:groups': ['admins'] },
      overrides: { requiredGroups: ['admins'] },
      expected: { allowed: true, reason: 'allowed' },
    },
  ])('decides $name exactly as for an AWS pool', async ({ claims, overrides, expected }) => {
    expect(await decide(emulated(overrides), await emulatedToken(claims))).toEqual(expected);
  });

  it("refuses a token of the pool's AWS issuer, and an emulator token for an AWS pool", async () => {
    const awsPoolToken = await mintToken({
      key: fixture.keys.rsa,
      issuer: `https://cognito-idp.local.amazonaws.com/${EMULATED_POOL}`,
      claims: { token_use: 'access', client_id: CLIENT_ID, scope: 'orders:read' },
    });
    expect(await decide(emulated(), awsPoolToken)).toEqual({ allowed: false, reason: 'wrong_issuer' });
    expect(await decide(cognitoHandler(), await emulatedToken())).toEqual({ allowed: false, reason: 'wrong_issuer' });
  });
});
