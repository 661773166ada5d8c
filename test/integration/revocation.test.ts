/**
 * Revocation against a real DynamoDB-compatible server: by jti, by Cognito-style session
 * (origin_jti), by subject, the documented cache windows, and failing closed when the table is
 * unreachable.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createHandler, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { httpApiV2Event, restTokenEvent } from '../helpers/events';
import { AUDIENCE, startFixture, TestClock, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { mintToken } from '../helpers/tokens';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WINDOW_SECONDS = 30;

let fixture: Fixture;
let client: DynamoDBClient;
let writer: RevocationWriter;
let clock: TestClock;
let logs: LogCapture;
let handler: AuthorizerHandler;
let storeReads: number;

beforeAll(async () => {
  fixture = await startFixture();
  client = fixture.dynalite.client();
  writer = new RevocationWriter(client, fixture.dynalite.tableName);
});

afterAll(async () => {
  client.destroy();
  await fixture.close();
});

beforeEach(() => {
  clock = new TestClock();
  logs = new LogCapture();
  storeReads = 0;
  handler = createHandler(
    fixture.config({ revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: WINDOW_SECONDS } }),
    {
      logger: logs,
      dynamoDbClient: client,
      now: clock.now,
      onDecision: (_decision, observation) => {
        storeReads += observation.revocationStoreReads;
      },
    },
  );
});

const mint = (claims: Record<string, unknown> = {}, subject = 'bob'): Promise<string> =>
  mintToken({ key: fixture.keys.rsa, issuer: fixture.issuer, audience: AUDIENCE, scope: 'orders:read', subject, claims });

const jtiOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jti as string;

async function isAllowed(token: string): Promise<boolean> {
  const response = (await handler(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
  return response.policyDocument.Statement.some((statement) => statement.Effect === 'Allow');
}

describe('revocation by jti', () => {
  it('denies a token revoked before its first use with reason revoked', async () => {
    const token = await mint();
    await writer.revokeToken({ issuer: fixture.issuer, jti: jtiOf(token), exp: Date.now() / 1000 + 600 });
    expect(await isAllowed(token)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'revoked', sub: 'bob', jti: jtiOf(token) });
  });

  it('denies a token revoked after its first use once a feed poll interval has passed, long before the window', async () => {
    const token = await mint();
    expect(await isAllowed(token)).toBe(true);
    await writer.revokeToken({ issuer: fixture.issuer, jti: jtiOf(token), exp: Date.now() / 1000 + 600 });

    clock.advanceSeconds(1.001); // one poll interval (1 s), far inside the 30 s not-revoked window
    expect(await isAllowed(token)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
  });

  it('without the feed, keeps allowing a token revoked after its first use until the window passes, then denies it', async () => {
    const withoutFeed = createHandler(
      fixture.config({ revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: WINDOW_SECONDS, feed: false } }),
      { logger: logs, dynamoDbClient: client, now: clock.now },
    );
    const allowed = async (token: string): Promise<boolean> =>
      (
        (await withoutFeed(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult
      ).policyDocument.Statement.some((statement) => statement.Effect === 'Allow');
    const token = await mint();
    expect(await allowed(token)).toBe(true);
    await writer.revokeToken({ issuer: fixture.issuer, jti: jtiOf(token), exp: Date.now() / 1000 + 600 });

    clock.advanceSeconds(WINDOW_SECONDS - 1);
    expect(await allowed(token)).toBe(true); // inside the documented staleness window

    clock.advanceSeconds(2);
    expect(await allowed(token)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
  });

  it('reads DynamoDB at most once per token per window, in one round trip for all its keys', async () => {
    const token = await mint();
    for (let i = 0; i < 5; i++) expect(await isAllowed(token)).toBe(true);
    expect(storeReads).toBe(2); // jti key + subject key, fetched together once
  });

  it('never reads DynamoDB for a token that fails verification', async () => {
    const token = await mint();
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect(await isAllowed(tampered)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'bad_signature' });
    expect(storeReads).toBe(0);
  });
});

describe('revocation writes', () => {
  it.each([
    { kind: 'token', revoke: (until: number) => writer.revokeToken({ issuer: fixture.issuer, jti: 'jti-kept-longest', exp: until }) },
    {
      kind: 'session',
      revoke: (until: number) =>
        writer.revokeSession({
          issuer: fixture.issuer,
          originJti: 'session-kept-longest',
          maxTokenLifetimeSeconds: until - Math.floor(Date.now() / 1000),
        }),
    },
  ])('never shortens a $kind revocation when it is revoked again with an earlier expiry', async ({ revoke }) => {
    const now = Math.floor(Date.now() / 1000);
    const first = await revoke(now + 7 * 86_400);
    await revoke(now + 86_400);
    const item = await client.send(new GetItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: first.key } } }));
    expect(Number(item.Item?.['expiresAt']?.N)).toBeGreaterThanOrEqual(first.expiresAt);
  });
});

describe('revocation of a sign-in session (origin_jti)', () => {
  it('denies every token refreshed from the revoked sign-in and no other', async () => {
    const originJti = randomUUID();
    const first = await mint({ origin_jti: originJti });
    const refreshed = await mint({ origin_jti: originJti });
    const otherSession = await mint({ origin_jti: randomUUID() });
    await writer.revokeSession({ issuer: fixture.issuer, originJti });
    expect(await isAllowed(first)).toBe(false);
    expect(await isAllowed(refreshed)).toBe(false);
    expect(await isAllowed(otherSession)).toBe(true);
  });
});

describe('revocation of a subject (global sign-out)', () => {
  it('denies tokens issued before the cut-off and allows tokens issued after it', async () => {
    const subject = `carol-${randomUUID()}`;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const old = await mint({ iat: nowSeconds - 60 }, subject);
    const fresh = await mint({ iat: nowSeconds }, subject);
    await writer.revokeSubject({ issuer: fixture.issuer, sub: subject, before: nowSeconds - 10 });
    expect(await isAllowed(old)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked', sub: subject });
    expect(await isAllowed(fresh)).toBe(true);
  });

  it('treats a token without iat as issued before any subject cut-off', async () => {
    const subject = `dave-${randomUUID()}`;
    const token = await mintToken({
      key: fixture.keys.rsa,
      issuer: fixture.issuer,
      audience: AUDIENCE,
      scope: 'orders:read',
      subject,
      omit: ['iat'],
    });
    await writer.revokeSubject({ issuer: fixture.issuer, sub: subject });
    expect(await isAllowed(token)).toBe(false);
  });

  it('only moves a subject cut-off forward', async () => {
    const subject = `erin-${randomUUID()}`;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = await mint({ iat: nowSeconds - 30 }, subject);
    await writer.revokeSubject({ issuer: fixture.issuer, sub: subject, before: nowSeconds });
    await writer.revokeSubject({ issuer: fixture.issuer, sub: subject, before: nowSeconds - 100 }); // earlier: ignored
    expect(await isAllowed(token)).toBe(false);
  });
});

describe('revocation store unavailable', () => {
  it('denies with revocation_unavailable within the bound while the table is down, then recovers by itself', async () => {
    const token = await mint();
    await fixture.dynalite.stop();
    try {
      const unreachable = createHandler(
        fixture.config({ revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: 0 } }),
        {
          logger: logs,
          dynamoDbClient: fixture.dynalite.client({ requestTimeoutMs: 200, maxAttempts: 2 }),
        },
      );
      const started = Date.now();
      await expect(unreachable(restTokenEvent({ authorization: `Bearer ${token}` }))).rejects.toThrow(/^Unauthorized$/);
      expect(Date.now() - started).toBeLessThan(5000); // the bound is ~650 ms; generous for a loaded CI machine
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'revocation_unavailable', sub: 'bob' });

      await fixture.dynalite.restart();
      const response = (await unreachable(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
      expect(response.policyDocument.Statement[0]?.Effect).toBe('Allow');
    } finally {
      await fixture.dynalite.restart().catch(() => undefined);
    }
  });
});
