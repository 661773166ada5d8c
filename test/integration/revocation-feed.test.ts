/**
 * The revocation feed against dynalite, with several authorizer instances in one process (each its
 * own caches, follower and DynamoDB client, as separate Lambda execution environments are): every
 * revocation kind is refused by every warm instance one poll interval after the write returned,
 * each token is read once per instance, idle instances read nothing, concurrent writers with
 * skewed clocks lose nothing, a lookup in flight when a revocation arrives cannot cache a stale
 * answer, and store and feed faults end in a bounded deny and recover by themselves.
 *
 * Clocks are injected (TestClock) where time decides; the library's own time checks use real time.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { REVOCATION_FEED_SETTINGS } from '../../lambdas/core/config/defaults';
import { feedHeadKey, feedSlotKey } from '../../lambdas/core/revocation-feed';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { TEST_CREDENTIALS } from '../helpers/dynalite';
import { startDynamoDbProxy, type DynamoDbProxy } from '../helpers/dynamodb-proxy';
import { httpApiV2Event } from '../helpers/events';
import { AUDIENCE, startFixture, TestClock, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { mintToken } from '../helpers/tokens';

const INSTANCES = 4;
const WINDOW_SECONDS = 30;
const POLL_SECONDS = REVOCATION_FEED_SETTINGS.pollIntervalMs / 1000;

let fixture: Fixture;
let writerClient: DynamoDBClient;
let writer: RevocationWriter;

/** One warm authorizer instance: its handler, its clock, and what its DynamoDB client sent. */
interface Instance {
  readonly handler: AuthorizerHandler;
  readonly clock: TestClock;
  readonly logs: LogCapture;
  readonly sent: Record<string, number>;
  readonly client: DynamoDBClient;
}

const instances: Instance[] = [];

function countedClient(endpoint: string, sent: Record<string, number>, requestTimeoutMs: number): DynamoDBClient {
  const client = createDynamoDbClient({
    requestTimeoutMs,
    maxAttempts: 2,
    clientConfig: { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      sent[name] = (sent[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return client;
}

function startInstance(endpoint = fixture.dynalite.endpoint, overrides: Record<string, unknown> = {}): Instance {
  const sent: Record<string, number> = {};
  const requestTimeoutMs = typeof overrides['requestTimeoutMs'] === 'number' ? overrides['requestTimeoutMs'] : 400;
  const client = countedClient(endpoint, sent, requestTimeoutMs);
  const clock = new TestClock();
  const logs = new LogCapture();
  const { handler } = createAuthorizer(
    fixture.config({
      revocation: {
        tableName: fixture.dynalite.tableName,
        notRevokedCacheSeconds: WINDOW_SECONDS,
        requestTimeoutMs: 400,
        maxAttempts: 2,
        ...overrides,
      },
    }),
    { logger: logs, dynamoDbClient: client, now: clock.now },
  );
  const instance = { handler, clock, logs, sent, client };
  instances.push(instance);
  return instance;
}

beforeAll(async () => {
  fixture = await startFixture();
  // The writers' own bounds are not under test here: generous, so a busy machine cannot fail a write.
  writerClient = fixture.dynalite.client({ maxAttempts: 3, requestTimeoutMs: 5000, connectionTimeoutMs: 5000 });
  writer = new RevocationWriter(writerClient, fixture.dynalite.tableName);
});

afterAll(async () => {
  for (const instance of instances) instance.client.destroy();
  writerClient.destroy();
  await fixture.close();
});

let fleet: Instance[];
beforeEach(() => {
  // A healthy store: timeouts a busy machine cannot reach (the fault tests below keep 400 ms bounds).
  fleet = Array.from({ length: INSTANCES }, () => startInstance(fixture.dynalite.endpoint, { requestTimeoutMs: 2000 }));
});

const mint = (claims: Record<string, unknown> = {}, subject = `user-${randomUUID()}`): Promise<string> =>
  mintToken({ key: fixture.keys.ec, issuer: fixture.issuer, audience: AUDIENCE, scope: 'orders:read', subject, claims });

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

async function decide(instance: Instance, token: string): Promise<string> {
  const response = (await instance.handler(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
  const allowed = response.policyDocument.Statement.some((statement) => statement.Effect === 'Allow');
  return allowed ? 'allow' : String(instance.logs.lastDecision?.['reason']);
}

const advanceAll = (seconds: number): void => {
  for (const instance of fleet) instance.clock.advanceSeconds(seconds);
};

describe('revocation feed: every instance refuses within a poll interval', () => {
  it.each([
    {
      kind: 'token (jti)',
      claims: {},
      revoke: (claims: Record<string, unknown>) =>
        writer.revokeToken({ issuer: fixture.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) }),
    },
    {
      kind: 'session (origin_jti)',
      claims: { origin_jti: randomUUID() },
      revoke: (claims: Record<string, unknown>) =>
        writer.revokeSession({ issuer: fixture.issuer, originJti: String(claims['origin_jti']) }),
    },
    {
      kind: 'subject (global sign-out)',
      claims: {},
      revoke: (claims: Record<string, unknown>) =>
        writer.revokeSubject({ issuer: fixture.issuer, sub: String(claims['sub']), before: Number(claims['iat']) + 1 }),
    },
  ])('refuses a $kind revocation on every warm instance one poll interval after the write returns', async ({ claims, revoke }) => {
    // Prepare: every instance has allowed the token, so its answers are cached and its feed followed.
    const token = await mint(claims);
    for (const instance of fleet) expect(await decide(instance, token)).toBe('allow');
    // Act
    await revoke(claimsOf(token));
    advanceAll(POLL_SECONDS + 0.001);
    // Assert
    for (const instance of fleet) expect(await decide(instance, token)).toBe('revoked');
  });

  it('reads each token once per instance, whatever the not-revoked window, while the feed is followed', async () => {
    // Prepare
    const token = await mint();
    const instance = fleet[0] as Instance;
    // Act: twenty minutes of requests, one every 15 s: forty windows of the design without a feed
    for (let i = 0; i < 80; i++) {
      expect(await decide(instance, token)).toBe('allow');
      instance.clock.advanceSeconds(15);
    }
    // Assert: one lookup (jti and subject together), and one head read per request (each came 15 s
    // after the last, so each needed a poll); the design without a feed would have read 40 times
    expect(instance.sent['BatchGetItemCommand']).toBe(1 + 80);
  });

  it('reads nothing while no request arrives, and at most one head per poll interval while they do', async () => {
    // Prepare
    const token = await mint();
    const instance = fleet[0] as Instance;
    await decide(instance, token);
    const before = instance.sent['BatchGetItemCommand'] ?? 0;
    // Act: an idle hour, then a burst of 50 requests inside one interval
    instance.clock.advanceSeconds(3600);
    const idle = (instance.sent['BatchGetItemCommand'] ?? 0) - before;
    await Promise.all(Array.from({ length: 50 }, () => decide(instance, token)));
    // Assert
    expect(idle).toBe(0);
    expect((instance.sent['BatchGetItemCommand'] ?? 0) - before).toBe(1);
  });
});

describe('revocation feed: writers', () => {
  it('loses nothing when writers with clocks hours apart revoke at once', async () => {
    // Prepare: 30 tokens, known to every instance
    const tokens = await Promise.all(Array.from({ length: 30 }, () => mint()));
    for (const instance of fleet) for (const token of tokens) expect(await decide(instance, token)).toBe('allow');
    const skews = [-7200_000, -30_000, 0, 45_000, 3 * 3600_000];
    const writers = skews.map((skew) => new RevocationWriter(writerClient, fixture.dynalite.tableName, () => Date.now() + skew));
    // Act: all at once, each token by a writer with a different clock
    await Promise.all(
      tokens.map((token, index) => {
        const claims = claimsOf(token);
        return writers[index % writers.length]?.revokeToken({
          issuer: fixture.issuer,
          jti: String(claims['jti']),
          exp: Number(claims['exp']),
        });
      }),
    );
    advanceAll(POLL_SECONDS + 0.001);
    // Assert
    for (const instance of fleet) for (const token of tokens) expect(await decide(instance, token)).toBe('revoked');
  });

  it('numbers slots without gaps up to the head', async () => {
    // Act
    await Promise.all(Array.from({ length: 10 }, () => writer.revokeSubject({ issuer: fixture.issuer, sub: `gap-${randomUUID()}` })));
    // Assert
    const head = await writerClient.send(
      new GetItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: feedHeadKey('us-east-1') } }, ConsistentRead: true }),
    );
    const seq = Number(head.Item?.['seq']?.N);
    const slots = await Promise.all(
      Array.from({ length: seq }, (_, index) =>
        writerClient.send(
          new GetItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: feedSlotKey('us-east-1', index + 1) } } }),
        ),
      ),
    );
    expect(slots.filter((slot) => slot.Item?.['entry']?.S === undefined)).toEqual([]);
  });
});

describe('revocation feed: a lookup in flight when a revocation arrives (issue 10, item 6)', () => {
  let proxy: DynamoDbProxy;

  beforeAll(async () => {
    proxy = await startDynamoDbProxy({ port: fixture.dynalite.port });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('applies entries read while a lookup was in flight, so the request after the interval is refused', async () => {
    // Prepare: an instance that follows the feed; its next lookup (the only read that projects
    // attributes) is read by DynamoDB at once but answers late, after the feed saw the revocation
    const instance = startInstance(proxy.endpoint, { requestTimeoutMs: 2000 });
    await decide(instance, await mint());
    const token = await mint();
    proxy.delayMs = 800;
    proxy.affects = (body) => body.includes('ProjectionExpression');
    await proxy.setMode('slow-answer');
    // Act: the first request's lookup reads the table; the revocation is written and returns; a
    // request one interval later polls the feed (which sees the revocation) and joins that lookup
    const first = decide(instance, token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const claims = claimsOf(token);
    await writer.revokeToken({ issuer: fixture.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
    instance.clock.advanceSeconds(POLL_SECONDS + 0.001);
    const later = decide(instance, token);
    await first;
    // Assert
    expect(await later).toBe('revoked');
    proxy.affects = undefined;
    await proxy.setMode('pass');
    expect(await decide(instance, token)).toBe('revoked');
  });

  it('never lets a request that arrived after a revocation returned ride on a lookup started before it (window 0, no feed)', async () => {
    // Prepare
    const instance = startInstance(proxy.endpoint, { notRevokedCacheSeconds: 0, feed: false, requestTimeoutMs: 2000 });
    const token = await mint();
    proxy.delayMs = 400;
    await proxy.setMode('delay');
    // Act
    const first = decide(instance, token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const claims = claimsOf(token);
    await writer.revokeToken({ issuer: fixture.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
    instance.clock.advanceSeconds(0.001);
    const after = await decide(instance, token);
    await first;
    await proxy.setMode('pass');
    // Assert
    expect(after).toBe('revoked');
  });
});

describe('revocation feed: faults', () => {
  let proxy: DynamoDbProxy;

  beforeAll(async () => {
    proxy = await startDynamoDbProxy({ port: fixture.dynalite.port });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it.each(['stall', 'refuse', 'throttle'] as const)(
    'denies a new token with revocation_unavailable within the bound while DynamoDB %s, then catches up by itself',
    async (mode) => {
      // Prepare: a following instance that knows one token
      const instance = startInstance(proxy.endpoint);
      const known = await mint();
      expect(await decide(instance, known)).toBe('allow');
      await proxy.setMode(mode);
      const fresh = await mint();
      // Act
      instance.clock.advanceSeconds(POLL_SECONDS + 0.001);
      const started = performance.now();
      const during = await decide(instance, fresh);
      const elapsedMs = performance.now() - started;
      // A revocation written meanwhile (straight to the table) must bite once the feed is back.
      const claims = claimsOf(known);
      await writer.revokeToken({ issuer: fixture.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
      await proxy.setMode('pass');
      instance.clock.advanceSeconds(POLL_SECONDS + 0.001);
      // Assert
      expect(during).toBe('revocation_unavailable');
      expect(elapsedMs).toBeLessThan(5000); // the bound is 2 × 400 ms + 250 ms; generous for a loaded machine
      expect(await decide(instance, fresh)).toBe('allow');
      expect(await decide(instance, known)).toBe('revoked');
    },
  );

  it('falls back to per-token reads after an idle gap longer than the feed retention, and follows again', async () => {
    // Prepare
    const instance = fleet[0] as Instance;
    const token = await mint();
    expect(await decide(instance, token)).toBe('allow');
    // Act: a revocation while the instance is frozen for longer than slots are kept
    const claims = claimsOf(token);
    await writer.revokeToken({ issuer: fixture.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
    instance.clock.advanceSeconds(REVOCATION_FEED_SETTINGS.retentionSeconds + 60);
    // Assert: the old answer is not trusted; the token is read again and refused
    expect(await decide(instance, token)).toBe('revoked');
    expect(
      instance.logs.lines.some(
        (line) => line.message === 'revocation feed: following' && line.attributes['reason'] === 'idle beyond retention',
      ),
    ).toBe(true);
  });
});
