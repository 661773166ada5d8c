/**
 * One canonical issuer and one key rule (issue 10, item 7), writer and reader in one test: a
 * Cognito pool's tokens carry either `iss` form, ids may be short, near or longer than the key
 * rule's 1 KiB (1,500 characters: as long as three such ids leave the token under 8 KiB), and each of the three writers — the `tollbooth-revoke` CLI, the revocation endpoint, the
 * library's `RevocationWriter` handed the token's own `iss` — revokes by token, session and
 * subject. Every revocation must be refused by the authorizer reading the same dynalite table.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import { createRevoker, type Revoker } from '../../lambdas/revoke/handler';
import { httpApiV2Event, revocationRequestEvent } from '../helpers/events';
import { SAMPLE_ROUTES, startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { revokeToolFor, type RevokeTool } from '../helpers/revoke-tool';
import { mintToken } from '../helpers/tokens';

const POOL_ID = 'eu-west-1_KeyRule1';
const REGIONAL = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const GLOBAL = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'keyrule0client1id2';

let fixture: Fixture;
let client: DynamoDBClient;
let authorizer: AuthorizerHandler;
let revoker: Revoker;
let revokeTool: RevokeTool;
const logs = new LogCapture();

beforeAll(async () => {
  fixture = await startFixture();
  client = fixture.dynalite.client({ maxAttempts: 2 });
  const config = fixture.config({
    issuers: [{ type: 'cognito', userPoolId: POOL_ID, clientId: [CLIENT_ID], jwksUri: fixture.jwks.url }],
    routes: { ...SAMPLE_ROUTES, 'tollbooth:admin': ['POST /revocations'] },
  });
  authorizer = createHandler(config, { logger: logs, dynamoDbClient: client });
  revoker = createRevoker(revokeConfigFrom(config), { dynamoDbClient: client, logger: new LogCapture() });
  // The CLI finds "the running local stack" (this process) and its table through the state file.
  revokeTool = revokeToolFor([REGIONAL], { name: fixture.dynalite.tableName, endpoint: fixture.dynalite.endpoint });
});

afterAll(async () => {
  client.destroy();
  revokeTool.remove();
  await fixture.close();
});

type Kind = 'token' | 'session' | 'subject';
type Writer = 'cli' | 'endpoint' | 'library';

interface Case {
  readonly writer: Writer;
  readonly kind: Kind;
  readonly iss: string;
  readonly idLength: number;
}

const cases: Case[] = (['cli', 'endpoint', 'library'] as const).flatMap((writer) =>
  (['token', 'session', 'subject'] as const).flatMap((kind) =>
    [REGIONAL, GLOBAL].flatMap((iss) => [36, 1000, 1500].map((idLength) => ({ writer, kind, iss, idLength }))),
  ),
);

/** An id of about `length` characters, unique per test. */
const idOf = (length: number): string => `${randomUUID()}${'x'.repeat(Math.max(0, length - 36))}`;

async function allowed(token: string): Promise<boolean> {
  const response = (await authorizer(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
  return response.policyDocument.Statement.every((statement) => statement.Effect === 'Allow');
}

async function revoke(
  writer: Writer,
  kind: Kind,
  token: string,
  claims: { iss: string; jti: string; origin_jti: string; sub: string; exp: number },
): Promise<void> {
  if (writer === 'library') {
    // A library user hands over what the token says, alias and all.
    const library = new RevocationWriter(client, fixture.dynalite.tableName);
    if (kind === 'token') await library.revokeToken({ issuer: claims.iss, jti: claims.jti, exp: claims.exp });
    else if (kind === 'session') await library.revokeSession({ issuer: claims.iss, originJti: claims.origin_jti });
    else await library.revokeSubject({ issuer: claims.iss, sub: claims.sub });
    return;
  }
  if (writer === 'cli') {
    const args = kind === 'subject' ? ['--sub', claims.sub, '--iss', claims.iss] : ['--token', token];
    const { code, output } = await revokeTool.run(args);
    expect(code, output).toBe(0);
    return;
  }
  const body = kind === 'subject' ? JSON.stringify({ sub: claims.sub, iss: claims.iss }) : `token=${encodeURIComponent(token)}`;
  const response = await revoker.handler(
    revocationRequestEvent({ body, contentType: kind === 'subject' ? 'application/json' : 'application/x-www-form-urlencoded' }),
  );
  expect(response.statusCode, response.body).toBe(200);
  expect(JSON.parse(response.body ?? '{}').revoked.length).toBeGreaterThan(0);
}

describe('one canonical issuer and one key rule, every writer with the reader', () => {
  it.each(cases)(
    'refuses a $kind revoked by the $writer (iss $iss, ids of $idLength characters)',
    async ({ writer, kind, iss, idLength }) => {
      // Prepare: a token the authorizer allows; for a session, the token carries only origin_jti
      const sub = idOf(idLength);
      const jti = idOf(idLength);
      const originJti = idOf(idLength);
      const nowSeconds = Math.floor(Date.now() / 1000);
      const token = await mintToken({
        key: fixture.keys.rsa,
        issuer: iss,
        subject: sub,
        claims: {
          token_use: 'access',
          client_id: CLIENT_ID,
          scope: 'orders:read',
          jti,
          origin_jti: originJti,
          iat: nowSeconds - 5,
        },
      });
      expect(await allowed(token)).toBe(true);
      // Act
      await revoke(writer, kind, token, { iss, jti, origin_jti: originJti, sub, exp: nowSeconds + 600 });
      // Assert: a fresh reader (no cached answer) and the warm one both refuse it
      const fresh = createHandler(
        fixture.config({ issuers: [{ type: 'cognito', userPoolId: POOL_ID, clientId: [CLIENT_ID], jwksUri: fixture.jwks.url }] }),
        { logger: new LogCapture(), dynamoDbClient: client },
      );
      const response = (await fresh(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
      expect(response.policyDocument.Statement.some((statement) => statement.Effect === 'Allow')).toBe(false);
    },
  );
});
