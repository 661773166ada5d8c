/**
 * The revocation endpoint's decisions, with DynamoDB mocked (aws-sdk-client-mock) and the JWKS
 * served from memory: real verification (aws-jwt-verify through the authorizer's verifier), no
 * network. What is written, what is refused, and what is never logged.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/core/config/config';
import { revokeConfigFrom } from '../../../lambdas/revoke/config';
import { createHandler, type RevokeHandler } from '../../../lambdas/revoke/handler';
import { revocationRequestEvent } from '../../helpers/events';
import { generateTestKey, type TestKey } from '../../helpers/keys';
import { LogCapture } from '../../helpers/log-capture';
import { mintToken } from '../../helpers/tokens';

const ISSUER = 'https://idp.tollbooth.test';
const AUDIENCE = 'https://api.tollbooth.test';
const TABLE = 'revocations';
const NOW_MS = Date.now();
const NOW_S = Math.floor(NOW_MS / 1000);

const dynamo = mockClient(DynamoDBClient);
let key: TestKey;
let jwksDown: boolean;
let logs: LogCapture;
let handler: RevokeHandler;

beforeAll(async () => {
  key = await generateTestKey('RS256');
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutItemCommand).resolves({});
  // The revocation feed: an empty head, then the slot and the head written.
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  jwksDown = false;
  logs = new LogCapture();
  const authorizer = parseConfig({
    issuers: [{ type: 'oidc', issuer: ISSUER, audience: [AUDIENCE], jwksUri: `${ISSUER}/.well-known/jwks.json` }],
    routes: { 'tollbooth:admin': ['POST /revocations'] },
    revocation: { tableName: TABLE },
    jwks: { hydrateOnColdStart: false },
  });
  handler = createHandler(revokeConfigFrom(authorizer), {
    dynamoDbClient: new DynamoDBClient({ region: 'us-east-1' }),
    jwksFetcher: {
      fetch: async () => {
        if (jwksDown) throw new Error('connect ECONNREFUSED');
        return new TextEncoder().encode(JSON.stringify({ keys: [key.publicJwk] })).buffer as ArrayBuffer;
      },
    },
    now: () => NOW_MS,
    logger: logs,
  });
});

afterEach(() => {
  dynamo.reset();
});

interface RequestOptions {
  readonly body?: string;
  readonly contentType?: string;
  readonly method?: string;
  readonly callerScope?: string;
}

/** A payload 2.0 proxy event behind the authorizer, as API Gateway delivers it. */
function event({ callerScope = 'tollbooth:admin', ...options }: RequestOptions) {
  return revocationRequestEvent({ ...options, caller: { sub: 'ops-admin', scope: callerScope, iss: ISSUER } });
}

async function call(
  options: RequestOptions,
): Promise<{ status: number | undefined; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  const response = (await handler(event(options))) as APIGatewayProxyStructuredResultV2;
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? '{}') as Record<string, unknown>,
    headers: response.headers ?? {},
  };
}

/** The revocation rows written (feed slots left out). */
function writtenItems(): Record<string, unknown>[] {
  return dynamo
    .commandCalls(PutItemCommand)
    .map((call) => call.args[0].input.Item as Record<string, { S?: string }>)
    .filter((item) => !item['pk']?.S?.startsWith('feed#'));
}

/** The revocation keys announced on the feed, in order. */
function announced(): string[] {
  return dynamo
    .commandCalls(PutItemCommand)
    .map((call) => call.args[0].input.Item as Record<string, { S?: string }>)
    .filter((item) => item['pk']?.S?.startsWith('feed#'))
    .map((item) => item['entry']?.S ?? '');
}

const mint = (options: { claims?: Record<string, unknown>; expiresIn?: number; issuer?: string; key?: TestKey } = {}): Promise<string> =>
  mintToken({
    key: options.key ?? key,
    issuer: options.issuer ?? ISSUER,
    audience: AUDIENCE,
    subject: 'alice',
    scope: 'orders:read',
    ...options,
  });

describe('revoke handler: by token', () => {
  it('revokes a verified token by its jti until its exp, and records who revoked it', async () => {
    // Prepare
    const token = await mint({ claims: { jti: 'jti-1', exp: NOW_S + 600 } });
    // Act
    const response = await call({ body: `token=${token}` });
    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: [{ type: 'token', iss: ISSUER, jti: 'jti-1', expiresAt: NOW_S + 600 }] });
    expect(writtenItems()).toEqual([
      expect.objectContaining({
        pk: { S: `jti#${ISSUER}#jti-1` },
        expiresAt: { N: String(NOW_S + 600) },
        reason: { S: 'POST /revocations (by ops-admin)' },
      }),
    ]);
  });

  it('also revokes the sign-in session when the token carries origin_jti', async () => {
    // Prepare
    const token = await mint({ claims: { jti: 'jti-2', origin_jti: 'session-9' } });
    // Act
    const response = await call({ body: JSON.stringify({ token, reason: 'laptop stolen' }), contentType: 'application/json' });
    // Assert
    expect(response.status).toBe(200);
    expect(response.body['revoked']).toEqual([
      expect.objectContaining({ type: 'token', jti: 'jti-2' }),
      { type: 'session', iss: ISSUER, originJti: 'session-9', expiresAt: NOW_S + 86_400 },
    ]);
    expect(writtenItems().map((item) => item['pk'])).toEqual([{ S: `jti#${ISSUER}#jti-2` }, { S: `session#${ISSUER}#session-9` }]);
    expect(writtenItems()[0]?.['reason']).toEqual({ S: 'laptop stolen (by ops-admin)' });
  });

  it.each([
    { name: 'an expired token', token: () => mint({ expiresIn: -600 }), reason: 'expired' },
    { name: 'a token from an untrusted issuer', token: () => mint({ issuer: 'https://evil.test' }), reason: 'wrong_issuer' },
    {
      name: 'a token signed by another key with the same kid',
      token: async () => mint({ key: { ...(await generateTestKey('RS256', { kid: key.kid })) } }),
      reason: 'bad_signature',
    },
    { name: 'a token that is not a JWS', token: async () => 'not-a-token', reason: 'malformed' },
  ])('answers 200 with nothing written for $name (RFC 7009 §2.2)', async ({ token, reason }) => {
    // Act
    const response = await call({ body: `token=${await token()}` });
    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ revoked: [], reason });
    expect(writtenItems()).toEqual([]);
  });

  it('refuses with 400 a token whose kid is unknown, because it might verify after a key rotation', async () => {
    // Prepare
    const token = await mint({ key: await generateTestKey('RS256', { kid: 'not-published-yet' }) });
    // Act
    const response = await call({ body: `token=${token}` });
    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
    expect(writtenItems()).toEqual([]);
  });

  it('refuses with 400 a token whose nbf is in the future, because it becomes valid later', async () => {
    // Prepare
    const token = await mint({ claims: { nbf: NOW_S + 3600 } });
    // Act
    const response = await call({ body: `token=${token}` });
    // Assert
    expect(response.status).toBe(400);
    expect(response.body['error_description']).toContain('not_yet_valid');
    expect(writtenItems()).toEqual([]);
  });

  it('answers 503 with Retry-After when the JWKS cannot be fetched', async () => {
    // Prepare
    jwksDown = true;
    const token = await mint();
    // Act
    const response = await call({ body: `token=${token}` });
    // Assert
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(response.headers['retry-after']).toBe('5');
  });

  it('never logs the token', async () => {
    // Prepare
    const token = await mint();
    // Act
    await call({ body: `token=${token}` });
    // Assert
    expect(logs.lines.at(-1)).toMatchObject({
      message: 'revocation',
      attributes: { by: 'ops-admin', kind: 'token', status: 200, sub: 'alice' },
    });
    expect(logs.text).not.toContain(token.split('.')[2]);
  });
});

describe('revoke handler: by jti and by subject', () => {
  it('revokes a jti until the given exp', async () => {
    // Act
    const response = await call({ body: JSON.stringify({ jti: 'j-7', exp: NOW_S + 120 }), contentType: 'application/json' });
    // Assert
    expect(response.body).toEqual({ revoked: [{ type: 'token', iss: ISSUER, jti: 'j-7', expiresAt: NOW_S + 120 }] });
  });

  it('keeps a jti revoked without exp for the longest token lifetime', async () => {
    // Act
    const response = await call({ body: JSON.stringify({ jti: 'j-8' }), contentType: 'application/json' });
    // Assert
    expect(response.body).toEqual({ revoked: [{ type: 'token', iss: ISSUER, jti: 'j-8', expiresAt: NOW_S + 86_400 }] });
  });

  it('writes nothing for a jti whose exp has passed', async () => {
    // Act
    const response = await call({ body: JSON.stringify({ jti: 'j-9', exp: NOW_S - 1 }), contentType: 'application/json' });
    // Assert
    expect(response.body).toMatchObject({ revoked: [], reason: 'expired' });
    expect(writtenItems()).toEqual([]);
  });

  it('revokes every token of a subject issued before now, with a forward-only condition', async () => {
    // Act
    const response = await call({ body: JSON.stringify({ sub: 'alice' }), contentType: 'application/json' });
    // Assert
    expect(response.body).toEqual({
      revoked: [{ type: 'subject', iss: ISSUER, sub: 'alice', revokedBefore: NOW_S, expiresAt: NOW_S + 86_400 }],
    });
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(#pk) OR #attr < :value',
      ExpressionAttributeNames: { '#pk': 'pk', '#attr': 'revokedBefore' },
    });
  });

  it('answers 200 when a later subject cut-off already exists (idempotent)', async () => {
    // Prepare
    dynamo.on(PutItemCommand).callsFake((input: { Item: Record<string, { S?: string }> }) => {
      if (input.Item['pk']?.S?.startsWith('feed#')) return {};
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    });
    // Act
    const response = await call({ body: JSON.stringify({ sub: 'alice' }), contentType: 'application/json' });
    // Assert: success, and announced again so a retried write whose announcement failed completes it
    expect(response.status).toBe(200);
    expect(announced()).toEqual([`sub#${ISSUER}#alice`]);
  });

  it('refuses an iss that is not trusted', async () => {
    // Act
    const response = await call({ body: JSON.stringify({ sub: 'alice', iss: 'https://evil.test' }), contentType: 'application/json' });
    // Assert
    expect(response.status).toBe(400);
    expect(response.body['error_description']).toContain('not a trusted issuer');
    expect(writtenItems()).toEqual([]);
  });

  it('answers 503 when DynamoDB fails', async () => {
    // Prepare
    dynamo.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    // Act
    const response = await call({ body: JSON.stringify({ sub: 'alice' }), contentType: 'application/json' });
    // Assert
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
  });
});

describe('revoke handler: the caller and the request', () => {
  it.each([
    {
      name: 'a caller without the admin scope',
      options: { callerScope: 'orders:read orders:write' },
      status: 403,
      error: 'insufficient_scope',
    },
    // A context the authorizer would never pass: scopes outside RFC 6749's grammar grant nothing here.
    ...[
      'support\ttollbooth:admin',
      'support  tollbooth:admin',
      ' tollbooth:admin',
      'tollbooth:admin ',
      'support\u00a0tollbooth:admin',
      'support\u3000tollbooth:admin',
      'support\ntollbooth:admin',
      'x"y tollbooth:admin',
    ].map((callerScope) => ({
      name: `a caller whose context scope is not RFC 6749 scopes (${JSON.stringify(callerScope)})`,
      options: { callerScope },
      status: 403,
      error: 'insufficient_scope',
    })),
    { name: 'a GET', options: { method: 'GET' }, status: 405, error: 'invalid_request' },
    { name: 'a malformed body', options: { body: '{', contentType: 'application/json' }, status: 400, error: 'invalid_request' },
    {
      name: 'a refresh token hint',
      options: { body: 'token=a.b.c&token_type_hint=refresh_token', contentType: 'application/x-www-form-urlencoded' },
      status: 400,
      error: 'unsupported_token_type',
    },
  ])('refuses $name with $status', async ({ options, status, error }) => {
    // Act
    const response = await call({ body: JSON.stringify({ sub: 'alice' }), contentType: 'application/json', ...options });
    // Assert
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error });
    expect(writtenItems()).toEqual([]);
  });

  it.each([null, 'x', {}, { requestContext: {} }])('answers 400 to something that is not an HTTP API event: %j', async (notAnEvent) => {
    // Act
    const response = (await handler(notAnEvent)) as APIGatewayProxyStructuredResultV2;
    // Assert
    expect(response.statusCode).toBe(400);
  });
});
