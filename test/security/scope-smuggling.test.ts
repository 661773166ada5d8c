/**
 * Scope smuggling end to end (issue 10, item 3): the authorizer in front of the revocation
 * endpoint, wired as API Gateway wires them — the endpoint is only called when the authorizer's
 * policy allows the route, and it receives the authorizer's context. The attack that worked
 * before: a caller granted `support` (a catch-all route) whose token also carried the scp element
 * `"x tollbooth:admin"`; the context's space-joined scope then read `support x tollbooth:admin`,
 * and the endpoint, splitting it again, revoked another user's token.
 *
 * Now the authorizer refuses any scope outside RFC 6749's scope-token characters (`invalid_claim`),
 * so such a token never reaches the endpoint; and the endpoint reads the context's scopes back by
 * the same grammar, so a context that does not follow it grants nothing.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../lambdas/authorizer/handler';
import { revocationKey } from '../../lambdas/core/revocation-table';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import { createRevoker, type Revoker } from '../../lambdas/revoke/handler';
import { revocationRequestEvent } from '../helpers/events';
import { AUDIENCE } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { buildEvent, observe } from './harness';
import { startSecurityFixture, type SecurityFixture } from './security-fixture';

const ROUTES = { support: ['ANY /{proxy+}'], 'tollbooth:admin': ['POST /revocations'] };

let world: SecurityFixture;
let authorizer: Authorizer;
let revoker: Revoker;
let logs: LogCapture;

beforeAll(async () => {
  world = await startSecurityFixture();
  logs = new LogCapture();
  authorizer = world.authorizer({ overrides: { routes: ROUTES }, deps: { logger: logs } });
  const config = world.base.config({
    issuers: [{ type: 'oidc', issuer: world.issuer, audience: [AUDIENCE], jwksUri: world.base.jwks.url }],
    routes: ROUTES,
    revocation: { tableName: world.base.dynalite.tableName },
  });
  revoker = createRevoker(revokeConfigFrom(config), { dynamoDbClient: world.dynamoDbClient, logger: new LogCapture() });
});

afterAll(async () => {
  await world.close();
});

/** POST /revocations through the authorizer, then (only if allowed) the endpoint: what API Gateway does. */
async function revokeThroughGateway(callerClaims: Record<string, unknown>, victimJti: string, via = authorizer): Promise<number> {
  const caller = world.mint({ claims: { sub: 'mallory', ...callerClaims } });
  const event = buildEvent('http-v2-iam', { authorization: `Bearer ${caller}`, method: 'POST', path: '/revocations' });
  const observation = await observe(via.handler, 'http-v2-iam', event);
  if (observation.outcome !== 'allow') return 403;
  const response = await revoker.handler(
    revocationRequestEvent({
      body: JSON.stringify({ jti: victimJti, iss: world.issuer, exp: Math.floor(Date.now() / 1000) + 600 }),
      contentType: 'application/json',
      caller: observation.context,
    }),
  );
  return response.statusCode ?? 500;
}

async function isRevoked(jti: string): Promise<boolean> {
  const found = await world.dynamoDbClient.send(
    new GetItemCommand({ TableName: world.base.dynalite.tableName, Key: { pk: { S: revocationKey('jti', world.issuer, jti) } } }),
  );
  return found.Item !== undefined;
}

describe('scope smuggling through the revocation endpoint', () => {
  it.each([
    { name: 'an scp element "x tollbooth:admin" next to scope support', claims: { scope: 'support', scp: ['x tollbooth:admin'] } },
    { name: 'an scp element joined by a tab', claims: { scope: 'support', scp: ['x\ttollbooth:admin'] } },
    { name: 'scope support joined to tollbooth:admin by NBSP', claims: { scope: 'support\u00a0tollbooth:admin' } },
    { name: 'scope support joined to tollbooth:admin by U+3000', claims: { scope: 'support\u3000tollbooth:admin' } },
    { name: 'scope support joined to tollbooth:admin by a newline', claims: { scope: 'support\ntollbooth:admin' } },
  ])('revokes nothing for a caller with $name: the authorizer denies it invalid_claim', async ({ claims }) => {
    // Prepare
    const victim = `victim-${Math.random().toString(36).slice(2)}`;
    // Act
    const status = await revokeThroughGateway(claims, victim);
    // Assert
    expect(status).toBe(403);
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'invalid_claim' });
    expect(await isRevoked(victim)).toBe(false);
  });

  it('revokes for a caller whose token really carries the admin scope', async () => {
    // Prepare
    const victim = `victim-${Math.random().toString(36).slice(2)}`;
    // Act
    const status = await revokeThroughGateway({ scope: 'support tollbooth:admin' }, victim);
    // Assert
    expect(status).toBe(200);
    expect(await isRevoked(victim)).toBe(true);
  });

  it('refuses the endpoint to a caller granted only the catch-all route', async () => {
    // Prepare
    const victim = `victim-${Math.random().toString(36).slice(2)}`;
    // Act
    const status = await revokeThroughGateway({ scope: 'support' }, victim);
    // Assert
    expect(status).toBe(403);
    expect(await isRevoked(victim)).toBe(false);
  });
});

/**
 * Several issuers share one scope → routes map, so any trusted issuer could mint the admin scope.
 * An issuer given `grantableScopes` (a partner's IdP trusted for `support` only) cannot: what else
 * it signs is dropped before the decision and never reaches the endpoint's context, so the
 * endpoint's own admin check refuses it even through the catch-all route.
 */
describe('an issuer limited to the scopes it may grant', () => {
  let limited: Authorizer;

  beforeAll(() => {
    limited = world.authorizer({
      overrides: {
        routes: ROUTES,
        issuers: [{ type: 'oidc', issuer: world.issuer, audience: [AUDIENCE], jwksUri: world.base.jwks.url, grantableScopes: ['support'] }],
      },
      deps: { logger: logs },
    });
  });

  it('revokes nothing with an admin scope it signs', async () => {
    // Prepare
    const victim = `victim-${Math.random().toString(36).slice(2)}`;
    // Act
    const status = await revokeThroughGateway({ scope: 'support tollbooth:admin' }, victim, limited);
    // Assert
    expect(status).toBe(403);
    expect(await isRevoked(victim)).toBe(false);
  });

  it('passes the backend only the scopes it may grant', async () => {
    // Prepare
    const caller = world.mint({ claims: { sub: 'partner-user', scope: 'support tollbooth:admin' } });
    const event = buildEvent('http-v2-iam', { authorization: `Bearer ${caller}`, method: 'GET', path: '/tickets/1' });
    // Act
    const observation = await observe(limited.handler, 'http-v2-iam', event);
    // Assert
    expect(observation).toMatchObject({ outcome: 'allow', context: { scope: 'support' } });
  });
});
