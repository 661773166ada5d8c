/**
 * Every event kind end to end through the real handler: tokens minted by jose, keys fetched over
 * HTTP from a loopback JWKS server, revocations read from dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createHandler } from '../../lambdas/authorizer/index';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { executeApiArn, httpApiV2Event, restRequestEvent, restTokenEvent, type EventOptions } from '../helpers/events';
import { AUDIENCE, startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { mintToken } from '../helpers/tokens';

let fixture: Fixture;
let logs: LogCapture;
let iamHandler: AuthorizerHandler;
let simpleHandler: AuthorizerHandler;

beforeAll(async () => {
  fixture = await startFixture();
  logs = new LogCapture();
  const client = fixture.dynalite.client();
  iamHandler = createHandler(fixture.config(), { logger: logs, dynamoDbClient: client });
  simpleHandler = createHandler(fixture.config({ httpApiResponseMode: 'simple' }), { logger: logs, dynamoDbClient: client });
});

afterAll(async () => {
  await fixture.close();
});

const readerToken = (): Promise<string> =>
  mintToken({ key: fixture.keys.rsa, issuer: fixture.issuer, audience: AUDIENCE, scope: 'orders:read', subject: 'alice' });

type PolicyKind = 'http-v1' | 'http-v2-iam' | 'rest-request' | 'rest-token';
const buildEvent: Record<PolicyKind, (options: EventOptions) => unknown> = {
  'http-v1': (options) => restRequestEvent({ ...options, httpApiV1: true }),
  'http-v2-iam': (options) => httpApiV2Event(options),
  'rest-request': (options) => restRequestEvent(options),
  'rest-token': (options) => restTokenEvent(options),
};

describe('policy-shaped responses (REST TOKEN, REST REQUEST, HTTP API 1.0, HTTP API 2.0 in IAM mode)', () => {
  it.each(Object.keys(buildEvent) as PolicyKind[])(
    '%s: allows a granted route with a policy covering every granted route',
    async (kind) => {
      // Prepare
      const token = await readerToken();
      // Act
      const response = (await iamHandler(
        buildEvent[kind]({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders/42' }),
      )) as APIGatewayAuthorizerResult;
      // Assert
      expect(response.principalId).toBe('alice');
      expect(response.policyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [executeApiArn('GET', '/orders'), executeApiArn('GET', '/orders/*')] },
      ]);
      expect(response.context).toMatchObject({ sub: 'alice', scope: 'orders:read', iss: fixture.issuer });
      expect(Object.values(response.context ?? {}).every((value) => typeof value === 'string')).toBe(true);
      expect(logs.lastDecision).toMatchObject({ decision: 'allow', reason: 'allowed', sub: 'alice', route: 'GET /orders/42' });
    },
  );

  it.each(Object.keys(buildEvent) as PolicyKind[])(
    '%s: answers insufficient scope with an explicit deny for the invoked route (403)',
    async (kind) => {
      const token = await readerToken();
      const response = (await iamHandler(
        buildEvent[kind]({ authorization: `Bearer ${token}`, method: 'POST', path: '/orders' }),
      )) as APIGatewayAuthorizerResult;
      expect(response.policyDocument.Statement).toContainEqual({
        Effect: 'Deny',
        Action: 'execute-api:Invoke',
        Resource: [executeApiArn('POST', '/orders')],
      });
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'insufficient_scope' });
    },
  );

  it.each(['rest-request', 'rest-token'] as const)(
    '%s: fails with exactly "Unauthorized" (401) when the token is missing or invalid',
    async (kind) => {
      await expect(iamHandler(buildEvent[kind]({ authorization: 'Bearer not.a.jwt' }))).rejects.toThrow(/^Unauthorized$/);
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'malformed' });
      await expect(iamHandler(buildEvent[kind]({}))).rejects.toThrow(/^Unauthorized$/);
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'missing_token' });
    },
  );

  it.each(['http-v1', 'http-v2-iam'] as const)('%s: denies every route (403) when the token is missing or invalid', async (kind) => {
    const response = (await iamHandler(buildEvent[kind]({ authorization: 'Basic dXNlcjpwYXNz' }))) as APIGatewayAuthorizerResult;
    expect(response.principalId).toBe('anonymous');
    expect(response.policyDocument.Statement).toEqual([
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${executeApiArn('GET', '').replace(/\/GET$/, '')}/*`] },
    ]);
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'invalid_authorization_header' });
  });
});

describe('HTTP API 2.0 simple responses', () => {
  it('allows a granted route with isAuthorized and the context', async () => {
    const token = await readerToken();
    const response = await simpleHandler(httpApiV2Event({ authorization: `Bearer ${token}`, path: '/orders' }));
    expect(response).toEqual({ isAuthorized: true, context: expect.objectContaining({ sub: 'alice', scope: 'orders:read' }) });
  });

  it.each([
    { name: 'insufficient scope', options: { method: 'DELETE', path: '/orders/1' }, reason: 'insufficient_scope' },
    { name: 'missing token', options: { authorization: undefined }, reason: 'missing_token' },
  ])('denies with isAuthorized false on $name', async ({ options, reason }) => {
    const token = await readerToken();
    const response = await simpleHandler(httpApiV2Event({ authorization: `Bearer ${token}`, ...options }));
    expect(response).toEqual({ isAuthorized: false });
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason });
  });
});

describe('tokens signed with each key type', () => {
  it.each(['rsa', 'ec', 'ed'] as const)('allows a %s-signed token', async (keyName) => {
    const token = await mintToken({ key: fixture.keys[keyName], issuer: fixture.issuer, audience: AUDIENCE, scope: 'admin' });
    const response = (await iamHandler(
      httpApiV2Event({ authorization: `Bearer ${token}`, method: 'PATCH', path: '/admin/users/7' }),
    )) as APIGatewayAuthorizerResult;
    // ANY expands to each method: a `*` method would also match `/` and leak into other paths; {proxy+} is `?*` (one or more characters).
    const methods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
    expect(response.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: methods.map((method) => executeApiArn(method, '/admin/?*')),
    });
  });
});

describe('header handling', () => {
  it('reads a REST header whatever its case, and never logs the token', async () => {
    const token = await readerToken();
    const response = (await iamHandler(
      restRequestEvent({ authorization: `bEaReR ${token}`, headerName: 'AUTHORIZATION' }),
    )) as APIGatewayAuthorizerResult;
    expect(response.principalId).toBe('alice');
    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain(token.split('.')[2]);
  });

  it('refuses a token in the query string even when the header is valid', async () => {
    const token = await readerToken();
    await expect(iamHandler(restRequestEvent({ authorization: `Bearer ${token}`, query: { access_token: token } }))).rejects.toThrow(
      'Unauthorized',
    );
    expect(logs.lastDecision).toMatchObject({ reason: 'token_in_query' });
  });
});

describe('unknown events', () => {
  it.each([null, 'x', 42, [], {}, { type: 'TOKEN' }, { type: 'REQUEST', version: '2.0' }])(
    'fails with "Unauthorized" on %j',
    async (event) => {
      await expect(iamHandler(event)).rejects.toThrow(/^Unauthorized$/);
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'unsupported_event' });
    },
  );
});
