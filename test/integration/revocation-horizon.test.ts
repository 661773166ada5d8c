/**
 * The revocation horizon against dynalite: a subject revocation's row expires (DynamoDB TTL) at
 * `revokedBefore` + `revocation.maxTokenLifetimeSeconds`, so a token issued before the revocation
 * and valid for longer than the horizon must still be refused once the row is gone — by its age
 * (`token_too_old`), on every event kind, in a fresh instance that never saw the row. TTL deletion
 * is simulated by deleting the item after an injected clock passes the row's `expiresAt`.
 */
import { DeleteItemCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { REVOCATION_SETTINGS } from '../../lambdas/core/config/defaults';
import { revocationKey } from '../../lambdas/core/revocation-table';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import { createRevoker } from '../../lambdas/revoke/handler';
import { httpApiV2Event, restRequestEvent, restTokenEvent, revocationRequestEvent, type EventOptions } from '../helpers/events';
import { AUDIENCE, startFixture, TestClock, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { revokeToolFor } from '../helpers/revoke-tool';
import { mintToken } from '../helpers/tokens';

const DAY = 86_400;
const SKEW = 30;

let fixture: Fixture;
let client: DynamoDBClient;
let clock: TestClock;
let logs: LogCapture;

beforeAll(async () => {
  fixture = await startFixture();
  client = fixture.dynalite.client();
});

afterAll(async () => {
  client.destroy();
  await fixture.close();
});

beforeEach(() => {
  clock = new TestClock();
  logs = new LogCapture();
});

/** A fresh authorizer instance (a cold start), reading the table through the injected clock. */
function instance(revocation: Record<string, unknown> = {}): AuthorizerHandler {
  return createHandler(fixture.config({ revocation: { tableName: fixture.dynalite.tableName, ...revocation } }), {
    logger: logs,
    dynamoDbClient: client,
    now: clock.now,
  });
}

const clockSeconds = (): number => Math.floor(clock.now() / 1000);

/** A token for `subject` issued `ageSeconds` before the injected clock's now, valid for `lifetimeSeconds` from then. */
const mint = (subject: string, ageSeconds: number, lifetimeSeconds: number): Promise<string> => {
  const iat = clockSeconds() - ageSeconds;
  // aws-jwt-verify judges exp by the real clock, Tollbooth's own claim rules by the injected one.
  const exp = Math.max(iat, Math.floor(Date.now() / 1000)) + lifetimeSeconds;
  return mintToken({
    key: fixture.keys.rsa,
    issuer: fixture.issuer,
    audience: AUDIENCE,
    scope: 'orders:read',
    subject,
    claims: { iat, exp },
  });
};

type EventKind = 'http-v1' | 'http-v2' | 'rest-request' | 'rest-token';
const buildEvent: Record<EventKind, (options: EventOptions) => unknown> = {
  'http-v1': (options) => restRequestEvent({ ...options, httpApiV1: true }),
  'http-v2': (options) => httpApiV2Event(options),
  'rest-request': (options) => restRequestEvent(options),
  'rest-token': (options) => restTokenEvent(options),
};
const EVENT_KINDS = Object.keys(buildEvent) as EventKind[];

async function isAllowed(handler: AuthorizerHandler, token: string, kind: EventKind = 'http-v2'): Promise<boolean> {
  try {
    const response = (await handler(
      buildEvent[kind]({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders' }),
    )) as APIGatewayAuthorizerResult;
    return response.policyDocument.Statement.some((statement) => statement.Effect === 'Allow');
  } catch {
    return false; // REST: Error('Unauthorized') is API Gateway's 401
  }
}

/** Deletes the row as DynamoDB's TTL would, after checking its `expiresAt` has passed on the injected clock. */
async function expireRow(key: string): Promise<void> {
  const { Item } = await client.send(new GetItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: key } } }));
  const expiresAt = Number(Item?.['expiresAt']?.N);
  expect(expiresAt).toBeLessThan(clockSeconds());
  await client.send(new DeleteItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: key } } }));
}

describe('the revocation horizon', () => {
  it.each(EVENT_KINDS)('%s: denies a 7-day token revoked by subject with reason token_too_old once its row has expired', async (kind) => {
    // Prepare
    const subject = `horizon-${kind}`;
    const writer = new RevocationWriter(client, fixture.dynalite.tableName, clock.now);
    const token = await mint(subject, 10, 7 * DAY);
    expect(await isAllowed(instance(), token, kind)).toBe(true);
    const row = await writer.revokeSubject({ issuer: fixture.issuer, sub: subject });
    expect(await isAllowed(instance(), token, kind)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
    // Act: DynamoDB deletes the row once the horizon has passed; a new instance never saw it.
    clock.advanceSeconds(DAY + SKEW + 1);
    await expireRow(row.key);
    const allowed = await isAllowed(instance(), token, kind);
    // Assert
    expect(allowed).toBe(false);
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'token_too_old' });
  });

  it('allows a token issued inside the horizon, and still refuses it by its row while the row lives', async () => {
    // Prepare
    const writer = new RevocationWriter(client, fixture.dynalite.tableName, clock.now);
    const handler = instance();
    const fresh = await mint('inside-horizon', DAY - 3600, 7 * DAY);
    // Act / Assert
    expect(await isAllowed(handler, fresh)).toBe(true);
    await writer.revokeSubject({ issuer: fixture.issuer, sub: 'inside-horizon' });
    expect(await isAllowed(instance(), fresh)).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
  });

  it('stops answering from the verified-token cache once a cached token passes the horizon', async () => {
    // Prepare: one warm instance; the token verifies and is cached a minute before the horizon.
    const handler = instance();
    const token = await mint('cached-near-horizon', DAY + SKEW - 60, 7 * DAY);
    expect(await isAllowed(handler, token)).toBe(true);
    // Act
    clock.advanceSeconds(120);
    const allowed = await isAllowed(handler, token);
    // Assert
    expect(allowed).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'token_too_old' });
  });

  it('keeps subject rows and accepts tokens for as long as a longer configured horizon', async () => {
    // Prepare: a 7-day horizon in the authorizer and the writer, as the construct configures both.
    const horizon = 7 * DAY;
    const writer = new RevocationWriter(client, fixture.dynalite.tableName, clock.now);
    const token = await mint('seven-day-horizon', 10, 7 * DAY);
    const row = await writer.revokeSubject({ issuer: fixture.issuer, sub: 'seven-day-horizon', maxTokenLifetimeSeconds: horizon });
    // Act: two days later the row still stands, and refuses the token as revoked rather than too old.
    clock.advanceSeconds(2 * DAY);
    const allowed = await isAllowed(instance({ maxTokenLifetimeSeconds: horizon }), token);
    // Assert
    expect(row.expiresAt).toBe((row.revokedBefore ?? 0) + horizon);
    expect(allowed).toBe(false);
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
    expect(await isAllowed(instance({ maxTokenLifetimeSeconds: horizon }), await mint('seven-day-other', 2 * DAY, 7 * DAY))).toBe(true);
  });

  it('changes nothing while revocation is off: an old token is judged by its exp alone', async () => {
    // Prepare
    const handler = createHandler(fixture.config({ revocation: { enabled: false } }), { logger: logs, now: clock.now });
    const token = await mint('revocation-off', 3 * DAY, 7 * DAY);
    // Act
    const allowed = await isAllowed(handler, token);
    // Assert
    expect(allowed).toBe(true);
  });
});

describe('every writer keeps subject rows for the horizon', () => {
  /** The subject row's `expiresAt` minus its `revokedBefore`: how long the revocation is kept. */
  async function keptSeconds(sub: string): Promise<number> {
    const key = revocationKey('sub', fixture.issuer, sub);
    const { Item } = await client.send(new GetItemCommand({ TableName: fixture.dynalite.tableName, Key: { pk: { S: key } } }));
    return Number(Item?.['expiresAt']?.N) - Number(Item?.['revokedBefore']?.N);
  }

  it.each([
    { name: '--max-token-lifetime', recorded: undefined, flag: ['--max-token-lifetime', '604800'], kept: 604_800 },
    { name: "the running stack's configured horizon", recorded: 172_800, flag: [], kept: 172_800 },
    { name: '--max-token-lifetime over the stack record', recorded: 172_800, flag: ['--max-token-lifetime', '259200'], kept: 259_200 },
    {
      name: 'the default, for a stack record without a horizon',
      recorded: undefined,
      flag: [],
      kept: REVOCATION_SETTINGS.maxTokenLifetimeSeconds.default,
    },
  ])('the CLI keeps a subject row for $name', async ({ recorded, flag, kept }) => {
    // Prepare
    const tool = revokeToolFor([fixture.issuer], {
      name: fixture.dynalite.tableName,
      endpoint: fixture.dynalite.endpoint,
      ...(recorded === undefined ? {} : { maxTokenLifetimeSeconds: recorded }),
    });
    const sub = `cli-${kept}-${recorded ?? 'none'}-${flag.length}`;
    try {
      // Act
      const { code, output } = await tool.run(['--sub', sub, ...flag]);
      // Assert
      expect(code, output).toBe(0);
      expect(await keptSeconds(sub)).toBe(kept);
    } finally {
      tool.remove();
    }
  });

  it("the revocation endpoint keeps a subject row for its document's revocation.maxTokenLifetimeSeconds", async () => {
    // Prepare
    const config = fixture.config({ revocation: { tableName: fixture.dynalite.tableName, maxTokenLifetimeSeconds: 604_800 } });
    const revoker = createRevoker(revokeConfigFrom(config), { dynamoDbClient: client, logger: new LogCapture() });
    // Act
    const response = await revoker.handler(
      revocationRequestEvent({
        body: JSON.stringify({ sub: 'endpoint-seven-days', iss: fixture.issuer }),
        contentType: 'application/json',
      }),
    );
    // Assert
    expect(response.statusCode, response.body).toBe(200);
    expect(await keptSeconds('endpoint-seven-days')).toBe(604_800);
  });
});
