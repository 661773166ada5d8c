/**
 * Each provider preset on a token shaped like that provider's real access tokens, through every
 * event kind (REST TOKEN and REQUEST, HTTP API 1.0, 2.0 with policies and with simple responses)
 * against the real handler, a loopback JWKS server and dynalite: what is allowed, what the backend
 * receives, what is refused, and what a revocation by the preset's token id (and session id) bites.
 *
 * Token shapes follow each provider's documentation (docs/providers.md cites it, and
 * /work/research/tools.md §5 collects it): claims, their types and their names — Entra ID's
 * `uti` and `roles`, Okta's `cid` and `scp` array, Auth0's `permissions`, Keycloak's
 * `realm_access`/`resource_access`, Cognito's `client_id`, `token_use` and `origin_jti`. The keys
 * and signatures are this test's own; the providers' real servers are not reachable from here
 * (oidc-provider and cognito-local, which are, have tests of their own).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../lambdas/authorizer/handler';
import { createAuthorizer } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { revokeToolFor, type RevokeTool } from '../helpers/revoke-tool';
import { signRaw } from '../helpers/tokens';
import { buildEvent, EVENT_KINDS, expectedDenyShape, keyObjectOf, observe, type EventKindName } from '../security/harness';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const POOL_ID = 'eu-west-1_AbCdEf123';
const ORDERS = ['GET /orders', 'GET /orders/{id}'];

/** One provider: its issuer entry (keys served by the fixture), a token like its own, and what the backend must receive. */
interface ProviderCase {
  readonly name: string;
  readonly issuer: (fixture: Fixture) => Record<string, unknown>;
  /** Claims of an access token granting `GET /orders/*`; `tokenId`/`sessionId` fill the preset's id claims. */
  readonly claims: (iss: string, now: number, tokenId: string, sessionId: string) => Record<string, unknown>;
  /** The `iss` value the tokens carry (and revocation keys use). */
  readonly iss: string;
  /** What `$context.authorizer` carries besides `jti` (the token id) and `iss`. */
  readonly context: { readonly sub: string; readonly scope: string; readonly clientId?: string };
  /** Whether the preset keys a sign-in session, and so a session revocation applies. */
  readonly session: boolean;
}

const PROVIDERS: readonly ProviderCase[] = [
  {
    name: 'Entra ID v2.0, client credentials (app roles, uti)',
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    issuer: (f) => ({
      type: 'oidc',
      preset: 'entra',
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: ['6e74172b-be56-4843-9ff4-e66a39bb12e3'],
      jwksUri: f.jwks.url,
    }),
    claims: (iss, now, uti) => ({
      aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
      iss,
      iat: now,
      nbf: now,
      exp: now + 3900,
      azp: '0c7d3b5e-1a2b-4c3d-9e8f-123456789abc',
      azpacr: '1',
      oid: '8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9',
      sub: '8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9',
      tid: TENANT,
      roles: ['Orders.Read'],
      idtyp: 'app',
      uti,
      ver: '2.0',
    }),
    context: { sub: '8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', scope: 'Orders.Read', clientId: '0c7d3b5e-1a2b-4c3d-9e8f-123456789abc' },
    session: false,
  },
  {
    name: 'Entra ID v1.0, user (scp string, appid, uti)',
    iss: `https://sts.windows.net/${TENANT}/`,
    issuer: (f) => ({
      type: 'oidc',
      preset: 'entra',
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: ['api://orders'],
      jwksUri: f.jwks.url,
    }),
    claims: (iss, now, uti) => ({
      aud: 'api://orders',
      iss,
      iat: now,
      nbf: now,
      exp: now + 4500,
      appid: '0c7d3b5e-1a2b-4c3d-9e8f-123456789abc',
      appidacr: '0',
      oid: '02223b6b-aa1d-42d4-9ec0-1b2bb9194438',
      scp: 'orders.read profile',
      sub: 'l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA',
      tid: TENANT,
      unique_name: 'ana@contoso.com',
      uti,
      ver: '1.0',
    }),
    context: {
      sub: 'l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA',
      scope: 'orders.read profile',
      clientId: '0c7d3b5e-1a2b-4c3d-9e8f-123456789abc',
    },
    session: false,
  },
  {
    name: 'Okta (scp array, cid)',
    iss: 'https://acme.okta.com/oauth2/default',
    issuer: (f) => ({
      type: 'oidc',
      preset: 'okta',
      issuer: 'https://acme.okta.com/oauth2/default',
      audience: ['api://default'],
      jwksUri: f.jwks.url,
    }),
    claims: (iss, now, jti) => ({
      ver: 1,
      jti: `AT.${jti}`,
      iss,
      aud: 'api://default',
      iat: now,
      exp: now + 3600,
      cid: '0oa1b2c3d4EfGhIjK5l6',
      uid: '00u9z8y7x6WvUtSrQ5p4',
      scp: ['orders:read', 'openid'],
      auth_time: now - 50,
      sub: 'ana@acme.example',
    }),
    context: { sub: 'ana@acme.example', scope: 'orders:read openid', clientId: '0oa1b2c3d4EfGhIjK5l6' },
    session: false,
  },
  {
    name: 'Auth0, RFC 9068 profile with RBAC permissions',
    iss: 'https://acme.eu.auth0.com/',
    issuer: (f) => ({
      type: 'oidc',
      preset: 'auth0',
      issuer: 'https://acme.eu.auth0.com/',
      audience: ['https://api.acme.example'],
      jwksUri: f.jwks.url,
    }),
    claims: (iss, now, jti) => ({
      iss,
      sub: 'auth0|64f0c2a1b3d4e5f601234567',
      aud: ['https://api.acme.example', 'https://acme.eu.auth0.com/userinfo'],
      iat: now,
      exp: now + 86_400,
      client_id: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae',
      jti,
      scope: 'openid profile',
      permissions: ['read:orders'],
    }),
    context: { sub: 'auth0|64f0c2a1b3d4e5f601234567', scope: 'openid profile read:orders', clientId: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae' },
    session: false,
  },
  {
    name: 'Keycloak (realm and client roles, sid)',
    iss: 'https://sso.example.com/realms/shop',
    issuer: (f) => ({
      type: 'oidc',
      preset: 'keycloak',
      issuer: 'https://sso.example.com/realms/shop',
      audience: ['orders-api'],
      jwksUri: f.jwks.url,
    }),
    claims: (iss, now, jti, sid) => ({
      exp: now + 300,
      iat: now,
      jti: `onrtac:${jti}`,
      iss,
      aud: ['orders-api', 'account'],
      sub: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
      typ: 'Bearer',
      azp: 'web-shop',
      sid,
      acr: '1',
      'allowed-origins': ['https://shop.example.com'],
      realm_access: { roles: ['default-roles-shop', 'customer'] },
      resource_access: { 'orders-api': { roles: ['orders.reader'] }, account: { roles: ['view-profile'] } },
      scope: 'openid profile email',
      email_verified: true,
      preferred_username: 'ana',
    }),
    context: {
      sub: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
      scope: 'openid profile email default-roles-shop customer orders.reader',
      clientId: 'web-shop',
    },
    session: true,
  },
  {
    name: 'Cognito access token (client_id, token_use, origin_jti)',
    iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`,
    issuer: (f) => ({ type: 'cognito', userPoolId: POOL_ID, clientId: ['3k2j1h0g9f8e7d6c5b4a3z2y1x'], jwksUri: f.jwks.url }),
    claims: (iss, now, jti, originJti) => ({
      sub: '4e2c1a9b-7d3f-4b8a-9c6e-1f2a3b4c5d6e',
      'cognito:groups': ['orders-admins'],
      iss,
      version: 2,
      client_id: '3k2j1h0g9f8e7d6c5b4a3z2y1x',
      origin_jti: originJti,
      event_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      token_use: 'access',
      scope: 'tollbooth/orders:read',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti,
      username: 'ana',
    }),
    context: { sub: '4e2c1a9b-7d3f-4b8a-9c6e-1f2a3b4c5d6e', scope: 'tollbooth/orders:read', clientId: '3k2j1h0g9f8e7d6c5b4a3z2y1x' },
    session: true,
  },
];

/** The token id claim each case's tokens carry, as the preset reads it. */
function tokenIdOf(claims: Record<string, unknown>): string {
  return String(claims['uti'] ?? claims['jti']);
}

let fixture: Fixture;
let writer: RevocationWriter;
let revokeTool: RevokeTool;
const authorizers = new Map<string, { iam: Authorizer; simple: Authorizer; logs: LogCapture }>();

beforeAll(async () => {
  fixture = await startFixture();
  const client = fixture.dynalite.client({ requestTimeoutMs: 2000, maxAttempts: 2 });
  writer = new RevocationWriter(client, fixture.dynalite.tableName);
  revokeTool = revokeToolFor(
    PROVIDERS.map((provider) => provider.iss),
    { name: fixture.dynalite.tableName, endpoint: fixture.dynalite.endpoint },
  );
  for (const provider of PROVIDERS) {
    const logs = new LogCapture();
    const config = (simple: boolean) =>
      fixture.config({
        issuers: [provider.issuer(fixture)],
        routes: Object.fromEntries(
          ['Orders.Read', 'orders.read', 'orders:read', 'read:orders', 'orders.reader', 'tollbooth/orders:read'].map((scope) => [
            scope,
            ORDERS,
          ]),
        ),
        revocation: { tableName: fixture.dynalite.tableName, requestTimeoutMs: 2000, notRevokedCacheSeconds: 0 },
        ...(simple ? { httpApiResponseMode: 'simple' } : {}),
      });
    authorizers.set(provider.name, {
      iam: createAuthorizer(config(false), { logger: logs, dynamoDbClient: client }),
      simple: createAuthorizer(config(true), { logger: logs, dynamoDbClient: client }),
      logs,
    });
  }
});

afterAll(async () => {
  revokeTool.remove();
  await fixture.close();
});

/** The preset a case's issuer names (a `type: cognito` issuer is the cognito preset). */
const presetOf = (provider: ProviderCase): string => String(provider.issuer(fixture)['preset'] ?? 'cognito');

function mint(provider: ProviderCase): { token: string; claims: Record<string, unknown> } {
  const claims = provider.claims(provider.iss, Math.floor(Date.now() / 1000), randomUUID(), `session-${randomUUID()}`);
  return { token: signRaw({ alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' }, claims, keyObjectOf(fixture.keys.rsa)), claims };
}

async function callAll(provider: ProviderCase, token: string, method: string, path: string) {
  const { iam, simple, logs } = authorizers.get(provider.name) ?? {};
  if (!iam || !simple || !logs) throw new Error(`no authorizer for ${provider.name}`);
  const results: Array<{ kind: EventKindName; observation: Awaited<ReturnType<typeof observe>>; reason: unknown }> = [];
  for (const kind of EVENT_KINDS) {
    const authorizer = kind === 'http-v2-simple' ? simple : iam;
    const observation = await observe(authorizer.handler, kind, buildEvent(kind, { authorization: `Bearer ${token}`, method, path }));
    results.push({ kind, observation, reason: logs.lastDecision?.['reason'] });
  }
  return results;
}

describe.each(PROVIDERS)('provider preset: $name', (provider) => {
  it('allows a granted route on every event kind and hands the backend its mapped claims', async () => {
    // Prepare
    const { token, claims } = mint(provider);
    // Act
    const results = await callAll(provider, token, 'GET', '/orders/42');
    // Assert
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'allow' });
      expect(reason, kind).toBe('allowed');
      expect(observation.outcome === 'allow' ? observation.context : undefined, kind).toEqual({
        ...provider.context,
        iss: provider.iss,
        jti: tokenIdOf(claims),
      });
    }
  });

  it('refuses a route its scopes do not grant, with reason insufficient_scope', async () => {
    // Prepare
    const { token } = mint(provider);
    // Act
    const results = await callAll(provider, token, 'POST', '/orders');
    // Assert
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'deny', shape: expectedDenyShape(kind, 'insufficient_scope', '/orders') });
      expect(reason, kind).toBe('insufficient_scope');
    }
  });

  it("refuses the token once its id (the preset's token id claim) is revoked", async () => {
    // Prepare
    const { token, claims } = mint(provider);
    await writer.revokeToken({ issuer: provider.iss, jti: tokenIdOf(claims), exp: Number(claims['exp']) });
    // Act
    const results = await callAll(provider, token, 'GET', '/orders/42');
    // Assert
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'deny', shape: expectedDenyShape(kind, 'revoked') });
      expect(reason, kind).toBe('revoked');
    }
  });

  it.runIf(provider.session)("refuses every token of a revoked sign-in session (the preset's session id claim)", async () => {
    // Prepare
    const { token, claims } = mint(provider);
    const sessionId = String(claims['sid'] ?? claims['origin_jti']);
    await writer.revokeSession({ issuer: provider.iss, originJti: sessionId });
    // Act
    const results = await callAll(provider, token, 'GET', '/orders');
    // Assert
    for (const { kind, reason } of results) expect(reason, kind).toBe('revoked');
  });

  it("refuses the token once the revoke tool revoked it by the preset's claims (--provider)", async () => {
    // Prepare
    const { token, claims } = mint(provider);
    // Act
    const revoked = await revokeTool.run(['--token', token, '--provider', presetOf(provider)]);
    // Assert
    expect(revoked.code, revoked.output).toBe(0);
    expect(revoked.output).toContain(`=${tokenIdOf(claims)} (iss ${provider.iss})`);
    for (const { kind, reason } of await callAll(provider, token, 'GET', '/orders/42')) expect(reason, kind).toBe('revoked');
  });

  it('refuses to guess when the token lacks the claims the default preset reads, naming --provider', async () => {
    // Prepare
    const { token, claims } = mint(provider);
    // Act
    const outcome = await revokeTool.run(['--token', token]);
    // Assert: oidc's claims (jti, origin_jti) either are there, or the tool says which it looked for
    if (claims['jti'] !== undefined || claims['origin_jti'] !== undefined) expect(outcome.code, outcome.output).toBe(0);
    else expect(outcome).toMatchObject({ code: 2, output: expect.stringContaining('no jti or origin_jti claim: name its issuer') });
  });

  it('refuses the token with reason missing_claim when its token id is missing while revocation is on', async () => {
    // Prepare
    const { claims } = mint(provider);
    const { uti: _uti, jti: _jti, ...withoutId } = claims;
    const token = signRaw({ alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' }, withoutId, keyObjectOf(fixture.keys.rsa));
    // Act
    const results = await callAll(provider, token, 'GET', '/orders');
    // Assert
    for (const { kind, reason } of results) expect(reason, kind).toBe('missing_claim');
  });
});

describe('Auth0 default token profile (no jti)', () => {
  it('is accepted with tokenIdClaim null, and still revoked by subject', async () => {
    // Prepare
    const logs = new LogCapture();
    const client = fixture.dynalite.client();
    const authorizer = createAuthorizer(
      fixture.config({
        issuers: [
          {
            type: 'oidc',
            preset: 'auth0',
            issuer: 'https://acme.eu.auth0.com/',
            audience: ['https://api.acme.example'],
            jwksUri: fixture.jwks.url,
            tokenIdClaim: null,
          },
        ],
        routes: { 'read:orders': ORDERS },
        revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: 0 },
      }),
      { logger: logs, dynamoDbClient: client },
    );
    const now = Math.floor(Date.now() / 1000);
    const sub = `auth0|${randomUUID()}`;
    const token = signRaw(
      { alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' },
      {
        iss: 'https://acme.eu.auth0.com/',
        sub,
        aud: 'https://api.acme.example',
        iat: now - 10,
        exp: now + 3600,
        azp: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae',
        scope: 'read:orders',
      },
      keyObjectOf(fixture.keys.rsa),
    );
    // Act
    const before = await observe(
      authorizer.handler,
      'http-v2-iam',
      buildEvent('http-v2-iam', { authorization: `Bearer ${token}`, path: '/orders' }),
    );
    await writer.revokeSubject({ issuer: 'https://acme.eu.auth0.com/', sub, before: now });
    const after = await observe(
      authorizer.handler,
      'http-v2-iam',
      buildEvent('http-v2-iam', { authorization: `Bearer ${token}`, path: '/orders' }),
    );
    // Assert
    expect(before).toMatchObject({ outcome: 'allow', context: { clientId: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae', scope: 'read:orders' } });
    expect(after).toMatchObject({ outcome: 'deny' });
    expect(logs.lastDecision).toMatchObject({ reason: 'revoked' });
  });
});
