/**
 * The revocation endpoint with more than one trusted issuer, and with events and tokens that are
 * odd in shape: which issuer a jti or sub names, what a context without the authorizer's fields
 * grants, tokens without a jti, and a failure nobody expected. DynamoDB is mocked and the JWKS
 * served from memory, as in handler.test.ts.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/core/config/config';
import { revokeConfigFrom } from '../../../lambdas/revoke/config';
import { createHandler, type RevokeHandler } from '../../../lambdas/revoke/handler';
import { generateTestKey, type TestKey } from '../../helpers/keys';
import { LogCapture } from '../../helpers/log-capture';
import { mintToken } from '../../helpers/tokens';

const OIDC_ISSUER = 'https://idp.tollbooth.test';
const POOL_ID = 'eu-west-1_AbCdEf123';
const COGNITO_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const AUDIENCE = 'https://api.tollbooth.test';
const NOW_MS = Date.now();

const dynamo = mockClient(DynamoDBClient);
let key: TestKey;
let logs: LogCapture;

beforeAll(async () => {
  key = await generateTestKey('RS256');
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  logs = new LogCapture();
});

function createTestHandler(issuers: unknown[]): RevokeHandler {
  const authorizer = parseConfig({
    issuers,
    routes: { 'tollbooth:admin': ['POST /revocations'] },
    revocation: { tableName: 'revocations' },
    jwks: { hydrateOnColdStart: false },
  });
  return createHandler(revokeConfigFrom(authorizer), {
    dynamoDbClient: new DynamoDBClient({ region: 'us-east-1' }),
    jwksFetcher: { fetch: async () => new TextEncoder().encode(JSON.stringify({ keys: [key.publicJwk] })).buffer as ArrayBuffer },
    now: () => NOW_MS,
    logger: logs,
  });
}

const oneIssuer = (): RevokeHandler =>
  createTestHandler([{ type: 'oidc', issuer: OIDC_ISSUER, audience: [AUDIENCE], jwksUri: `${OIDC_ISSUER}/jwks.json` }]);
const twoIssuers = (): RevokeHandler =>
  createTestHandler([
    { type: 'oidc', issuer: OIDC_ISSUER, audience: [AUDIENCE], jwksUri: `${OIDC_ISSUER}/jwks.json` },
    { type: 'cognito', userPoolId: POOL_ID, clientId: ['client-1'] },
  ]);

/** A payload 2.0 proxy event; `context` is what the authorizer passed. */
function event(body: string, context: unknown = { sub: 'ops-admin', scope: 'tollbooth:admin' }, headers: unknown = undefined) {
  return {
    version: '2.0',
    headers: headers ?? { 'Content-Type': 'application/json' },
    requestContext: { http: { method: 'post' }, authorizer: { lambda: context } },
    body,
    isBase64Encoded: false,
  };
}

async function call(handler: RevokeHandler, request: unknown): Promise<{ status: number | undefined; body: Record<string, unknown> }> {
  const response = (await handler(request)) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
}

/** The partition keys of the revocation rows written (feed slots left out). */
const writtenKeys = (): Array<string | undefined> =>
  dynamo
    .commandCalls(PutItemCommand)
    .map((write) => write.args[0].input.Item?.['pk']?.S)
    .filter((pk) => !pk?.startsWith('feed#'));

describe('revoke handler: which issuer', () => {
  it('asks for iss when more than one issuer is trusted, naming them', async () => {
    // Act
    const response = await call(twoIssuers(), event('{"sub":"alice"}'));
    // Assert
    expect(response.status).toBe(400);
    expect(response.body['error_description']).toBe(`iss is required: 2 issuers are trusted (${OIDC_ISSUER}, ${COGNITO_ISSUER})`);
    expect(writtenKeys()).toEqual([]);
  });

  it.each([
    { name: 'the regional form', iss: COGNITO_ISSUER },
    { name: 'the global form', iss: `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}` },
  ])("keys a Cognito pool's revocation on its configured issuer when given $name", async ({ iss }) => {
    // Act
    const response = await call(twoIssuers(), event(JSON.stringify({ jti: 'j-1', iss })));
    // Assert
    expect(response.status).toBe(200);
    expect(writtenKeys()).toEqual([`jti#${COGNITO_ISSUER}#j-1`]);
  });
});

describe('revoke handler: the event', () => {
  it.each([
    { name: 'no authorizer context', request: { ...event('{"sub":"alice"}'), requestContext: { http: { method: 'POST' } } } },
    { name: 'an authorizer without its lambda context', request: event('{"sub":"alice"}', 'tollbooth:admin') },
    { name: 'a scope that is not a string', request: event('{"sub":"alice"}', { sub: 'ops-admin', scope: ['tollbooth:admin'] }) },
  ])('grants nothing to $name: 403', async ({ request }) => {
    // Act
    const response = await call(oneIssuer(), request);
    // Assert
    expect(response.status).toBe(403);
    expect(writtenKeys()).toEqual([]);
  });

  it.each([
    { name: 'no headers', request: event('{"sub":"alice"}', undefined, 'content-type: application/json') },
    { name: 'a content type that is not a string', request: event('{"sub":"alice"}', undefined, { 'content-type': ['application/json'] }) },
  ])('refuses a request with $name: 400 naming the content types it reads', async ({ request }) => {
    // Act
    const response = await call(oneIssuer(), request);
    // Assert
    expect(response.status).toBe(400);
    expect(response.body['error_description']).toContain('content-type must be');
  });

  it('reads a missing body as an empty one: 400', async () => {
    // Act
    const response = await call(oneIssuer(), { ...event(''), body: undefined });
    // Assert
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'the body is not valid JSON' } });
  });

  it('records the revoker as unknown when the context has no sub', async () => {
    // Act
    const response = await call(oneIssuer(), event('{"sub":"alice"}', { scope: 'tollbooth:admin', sub: 42 }));
    // Assert
    expect(response.status).toBe(200);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.['reason']).toEqual({ S: 'POST /revocations (by unknown)' });
  });

  it('answers 500 with no detail when something unexpected throws, and logs it', async () => {
    // Prepare: an event whose every read throws
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('unexpected read');
        },
        has: () => true,
      },
    );
    // Act
    const response = await call(oneIssuer(), { requestContext: hostile });
    // Assert
    expect(response).toEqual({ status: 500, body: { error: 'server_error' } });
    expect(logs.lines).toEqual([
      { level: 'error', message: 'revocation failed', attributes: { error: expect.stringContaining('unexpected read') } },
    ]);
  });
});

describe('revoke handler: tokens without a jti', () => {
  it('writes nothing for a verified token without jti or session, and says to revoke its sub', async () => {
    // Prepare
    const token = await mintToken({ key, issuer: OIDC_ISSUER, audience: AUDIENCE, subject: 'alice', omit: ['jti'] });
    // Act
    const response = await call(oneIssuer(), event(JSON.stringify({ token })));
    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ revoked: [], reason: 'missing_claim' });
    expect(writtenKeys()).toEqual([]);
  });

  it('revokes only the session of a token that carries origin_jti but no jti', async () => {
    // Prepare
    const token = await mintToken({
      key,
      issuer: OIDC_ISSUER,
      audience: AUDIENCE,
      subject: 'alice',
      omit: ['jti'],
      claims: { origin_jti: 'session-1' },
    });
    // Act
    const response = await call(oneIssuer(), event(JSON.stringify({ token })));
    // Assert
    expect(response.status).toBe(200);
    expect(writtenKeys()).toEqual([`session#${OIDC_ISSUER}#session-1`]);
  });
});
