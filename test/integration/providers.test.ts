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
import { createHash, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../lambdas/authorizer/handler';
import { createAuthorizer } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import { revokeToolFor, type RevokeTool } from '../helpers/revoke-tool';
import { signRaw, signWithHeaderText } from '../helpers/tokens';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { buildEvent, EVENT_KINDS, expectedDenyShape, keyObjectOf, observe, type EventKindName } from '../security/harness';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const POOL_ID = 'eu-west-1_AbCdEf123';
const ORDERS = ['GET /orders', 'GET /orders/{id}'];

/** One provider: its issuer entry (keys served by the fixture), a token like its own, and what the backend must receive. */
interface ProviderCase {
  readonly name: string;
  readonly issuer: (jwksUri: string) => Record<string, unknown>;
  /** The JOSE header as the provider writes it, byte for byte (Keycloak spaces its colons). */
  readonly headerText?: (kid: string) => string;
  /** The JWKS as the provider publishes it around the signing key (Entra ID: no `alg`, with `x5t` and `x5c`). */
  readonly publishedKeys?: (jwk: JWK) => JWK[];
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
    headerText: (kid) => `{"typ":"JWT","alg":"RS256","x5t":"${kid}","kid":"${kid}"}`,
    publishedKeys: (jwk) => [entraPublishedKey(jwk, `https://login.microsoftonline.com/${TENANT}/v2.0`)],
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'entra',
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: ['6e74172b-be56-4843-9ff4-e66a39bb12e3'],
      jwksUri,
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
    headerText: (kid) => `{"typ":"JWT","alg":"RS256","x5t":"${kid}","kid":"${kid}"}`,
    publishedKeys: (jwk) => [entraPublishedKey(jwk)],
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'entra',
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: ['api://orders'],
      jwksUri,
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
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'okta',
      issuer: 'https://acme.okta.com/oauth2/default',
      audience: ['api://default'],
      jwksUri,
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
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'auth0',
      issuer: 'https://acme.eu.auth0.com/',
      audience: ['https://api.acme.example'],
      jwksUri,
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
    headerText: (kid) => `{"alg":"RS256","typ" : "JWT","kid" : "${kid}"}`,
    publishedKeys: (jwk) => keycloakPublishedKeys(jwk),
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'keycloak',
      issuer: 'https://sso.example.com/realms/shop',
      audience: ['orders-api'],
      jwksUri,
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
    issuer: (jwksUri) => ({ type: 'cognito', userPoolId: POOL_ID, clientId: ['3k2j1h0g9f8e7d6c5b4a3z2y1x'], jwksUri }),
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
  {
    name: 'Cognito client credentials (M2M: sub is the client, custom scope with a URL resource server)',
    iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`,
    issuer: (jwksUri) => ({ type: 'cognito', userPoolId: POOL_ID, clientId: ['7a6b5c4d3e2f1g0h9i8j7k6l5m'], jwksUri }),
    claims: (iss, now, jti) => ({
      sub: '7a6b5c4d3e2f1g0h9i8j7k6l5m',
      token_use: 'access',
      scope: 'https://orders.example.com/orders.read',
      auth_time: now,
      iss,
      exp: now + 3600,
      iat: now,
      version: 2,
      jti,
      client_id: '7a6b5c4d3e2f1g0h9i8j7k6l5m',
    }),
    context: { sub: '7a6b5c4d3e2f1g0h9i8j7k6l5m', scope: 'https://orders.example.com/orders.read', clientId: '7a6b5c4d3e2f1g0h9i8j7k6l5m' },
    session: false,
  },
  {
    name: 'Auth0 client credentials, RFC 9068 profile (typ at+jwt, gty, sub <client>@clients)',
    iss: 'https://acme.eu.auth0.com/',
    headerText: (kid) => `{"alg":"RS256","typ":"at+jwt","kid":"${kid}"}`,
    issuer: (jwksUri) => ({
      type: 'oidc',
      preset: 'auth0',
      issuer: 'https://acme.eu.auth0.com/',
      audience: ['https://api.acme.example'],
      requireAccessTokenType: true,
      jwksUri,
    }),
    claims: (iss, now, jti) => ({
      iss,
      sub: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae@clients',
      aud: 'https://api.acme.example',
      iat: now,
      exp: now + 86_400,
      jti,
      client_id: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae',
      scope: 'read:orders',
      gty: 'client-credentials',
      permissions: ['read:orders'],
    }),
    context: { sub: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae@clients', scope: 'read:orders', clientId: 'Zk3mPq7RtXw2Yb9Lc4Nd8Vf1Hg6Js0Ae' },
    session: false,
  },
];

/** A dummy certificate chain: `x5c` is published next to the key, and never read. */
const X5C = [Buffer.from('not a certificate: x5c is never read').toString('base64')];

/**
 * An Entra ID signing key as `…/discovery/v2.0/keys` publishes it: no `alg`, `x5t` = `kid`, an
 * `x5c` chain, and on the v2.0 endpoint an `issuer` member (Microsoft's published key sets).
 */
function entraPublishedKey(jwk: JWK, issuer?: string): JWK {
  const { alg: _alg, ...withoutAlg } = jwk;
  return { ...withoutAlg, use: 'sig', x5t: jwk.kid, x5c: X5C, ...(issuer ? { issuer } : {}) };
}

/**
 * A Keycloak realm's certs endpoint: the signing key with `x5c`, `x5t` and `x5t#S256`, next to
 * the realm's encryption key (`use: enc`, `RSA-OAEP`), which the key policy must set aside.
 */
function keycloakPublishedKeys(jwk: JWK): JWK[] {
  const signing = { ...jwk, use: 'sig', x5c: X5C, x5t: 'x5t-sha1', 'x5t#S256': 'x5t-sha256' };
  const encryption = { ...jwk, kid: `${jwk.kid}-enc`, alg: 'RSA-OAEP', use: 'enc', x5c: X5C };
  return [signing, encryption];
}

/** The token id claim each case's tokens carry, as the preset reads it. */
function tokenIdOf(claims: Record<string, unknown>): string {
  return String(claims['uti'] ?? claims['jti']);
}

let fixture: Fixture;
const providerJwksServers: JwksServer[] = [];
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
    let jwksUri = fixture.jwks.url;
    if (provider.publishedKeys) {
      const server = await startJwksServer(provider.publishedKeys(fixture.keys.rsa.publicJwk));
      providerJwksServers.push(server);
      jwksUri = server.url;
    }
    const logs = new LogCapture();
    const config = (simple: boolean) =>
      fixture.config({
        issuers: [provider.issuer(jwksUri)],
        routes: Object.fromEntries(
          [
            'Orders.Read',
            'orders.read',
            'orders:read',
            'read:orders',
            'orders.reader',
            'tollbooth/orders:read',
            'https://orders.example.com/orders.read',
          ].map((scope) => [scope, ORDERS]),
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
  await Promise.all(providerJwksServers.map((server) => server.close()));
  await fixture.close();
});

/** The preset a case's issuer names (a `type: cognito` issuer is the cognito preset). */
const presetOf = (provider: ProviderCase): string => String(provider.issuer('')['preset'] ?? 'cognito');

function mint(provider: ProviderCase): { token: string; claims: Record<string, unknown> } {
  const claims = provider.claims(provider.iss, Math.floor(Date.now() / 1000), randomUUID(), `session-${randomUUID()}`);
  const key = keyObjectOf(fixture.keys.rsa);
  const token = provider.headerText
    ? signWithHeaderText(provider.headerText(fixture.keys.rsa.kid), claims, key)
    : signRaw({ alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' }, claims, key);
  return { token, claims };
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

/** An authorizer over one issuer entry, with the orders routes, revocation on (dynalite), no not-revoked cache. */
function authorizerFor(issuer: Record<string, unknown>, routes: Record<string, string[]>): { authorizer: Authorizer; logs: LogCapture } {
  const logs = new LogCapture();
  const authorizer = createAuthorizer(
    fixture.config({
      issuers: [issuer],
      routes,
      revocation: { tableName: fixture.dynalite.tableName, notRevokedCacheSeconds: 0 },
    }),
    { logger: logs, dynamoDbClient: fixture.dynalite.client() },
  );
  return { authorizer, logs };
}

/** The decision on every event kind: outcome, context and logged reason. */
async function onEveryKind(authorizer: Authorizer, logs: LogCapture, token: string, method: string, path: string) {
  const results: Array<{ kind: EventKindName; observation: Awaited<ReturnType<typeof observe>>; reason: unknown }> = [];
  for (const kind of EVENT_KINDS.filter((name) => name !== 'http-v2-simple')) {
    const observation = await observe(authorizer.handler, kind, buildEvent(kind, { authorization: `Bearer ${token}`, method, path }));
    results.push({ kind, observation, reason: logs.lastDecision?.['reason'] });
  }
  return results;
}

describe('Google ID tokens (preset oidc): iss with and without the scheme, as Google documents both', () => {
  const GOOGLE = 'https://accounts.google.com';
  const CLIENT_ID = '1234987819200-abc123def456.apps.googleusercontent.com';
  // Google's ID tokens carry no scope: a Workspace domain (hd) stands in for one here.
  const issuer = { type: 'oidc', issuer: GOOGLE, audience: [CLIENT_ID], jwksUri: '', scopeClaims: ['hd'] };

  /** Google's documented ID token: no jti, email_verified once a string, azp = aud for a web client. */
  function googleToken(iss: string, sub: string, now: number): string {
    return signRaw(
      { alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' },
      {
        iss,
        azp: CLIENT_ID,
        aud: CLIENT_ID,
        sub,
        hd: 'example.com',
        email: 'jsmith@example.com',
        email_verified: 'true',
        at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
        iat: now - 5,
        exp: now + 3600,
      },
      keyObjectOf(fixture.keys.rsa),
    );
  }

  it.each([GOOGLE, 'accounts.google.com'])(
    'allows a token whose iss is %s on every event kind, and hands the backend the configured issuer',
    async (iss) => {
      // Prepare
      const { authorizer, logs } = authorizerFor({ ...issuer, jwksUri: fixture.jwks.url }, { 'example.com': ORDERS });
      const sub = `10769150350006150715${randomUUID().slice(0, 4)}`;
      // Act
      const results = await onEveryKind(authorizer, logs, googleToken(iss, sub, Math.floor(Date.now() / 1000)), 'GET', '/orders/42');
      // Assert
      for (const { kind, observation, reason } of results) {
        expect(reason, kind).toBe('allowed');
        expect(observation, kind).toMatchObject({
          outcome: 'allow',
          context: { iss: GOOGLE, sub, scope: 'example.com', clientId: CLIENT_ID },
        });
      }
    },
  );

  it.each([GOOGLE, 'accounts.google.com'])(
    'refuses every token of a subject revoked under %s, whichever form its tokens carry',
    async (revokedAs) => {
      // Prepare
      const { authorizer, logs } = authorizerFor({ ...issuer, jwksUri: fixture.jwks.url }, { 'example.com': ORDERS });
      const sub = `10769150350006150715${randomUUID().slice(0, 4)}`;
      const now = Math.floor(Date.now() / 1000);
      const tokens = [googleToken(GOOGLE, sub, now), googleToken('accounts.google.com', sub, now)];
      await writer.revokeSubject({ issuer: revokedAs, sub, before: now + 1 });
      // Act
      const results = [
        ...(await onEveryKind(authorizer, logs, tokens[0] ?? '', 'GET', '/orders')),
        ...(await onEveryKind(authorizer, logs, tokens[1] ?? '', 'GET', '/orders')),
      ];
      // Assert
      for (const { kind, reason } of results) expect(reason, kind).toBe('revoked');
    },
  );

  it.each(['accounts.google.com.evil.example', 'http://accounts.google.com', 'https://accounts.google.com/'])(
    'refuses a look-alike iss %s with reason wrong_issuer',
    async (iss) => {
      // Prepare
      const { authorizer, logs } = authorizerFor({ ...issuer, jwksUri: fixture.jwks.url }, { 'example.com': ORDERS });
      // Act
      const results = await onEveryKind(authorizer, logs, googleToken(iss, '1', Math.floor(Date.now() / 1000)), 'GET', '/orders');
      // Assert
      for (const { kind, reason } of results) expect(reason, kind).toBe('wrong_issuer');
    },
  );
});

describe('Azure AD B2C access tokens (preset entra, no token id)', () => {
  const B2C = `https://contoso.b2clogin.com/${TENANT}/v2.0/`;
  const API_CLIENT = '90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6';

  /** A B2C access token as Microsoft's B2C token reference lists its claims: tfp, scp, azp, no uti or jti. */
  function b2cToken(sub: string, now: number): string {
    return signRaw(
      { alg: 'RS256', kid: fixture.keys.rsa.kid, typ: 'JWT' },
      {
        iss: B2C,
        exp: now + 3600,
        nbf: now,
        aud: API_CLIENT,
        oid: sub,
        sub,
        name: 'Ana',
        tfp: 'B2C_1_susi',
        scp: 'orders.read',
        azp: '2b5e6a7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8',
        ver: '1.0',
        iat: now,
      },
      keyObjectOf(fixture.keys.rsa),
    );
  }

  it('allows a granted route on every event kind with revocation on, and refuses once the subject is revoked', async () => {
    // Prepare
    const { authorizer, logs } = authorizerFor(
      { type: 'oidc', preset: 'entra', issuer: B2C, audience: [API_CLIENT], jwksUri: fixture.jwks.url },
      { 'orders.read': ORDERS },
    );
    const sub = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = b2cToken(sub, now);
    // Act
    const before = await onEveryKind(authorizer, logs, token, 'GET', '/orders/42');
    await writer.revokeSubject({ issuer: B2C, sub, before: now + 1 });
    const after = await onEveryKind(authorizer, logs, token, 'GET', '/orders/42');
    // Assert
    for (const { kind, observation, reason } of before) {
      expect(reason, kind).toBe('allowed');
      expect(observation, kind).toMatchObject({
        outcome: 'allow',
        context: { iss: B2C, sub, scope: 'orders.read', clientId: '2b5e6a7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8' },
      });
    }
    for (const { kind, reason } of after) expect(reason, kind).toBe('revoked');
  });
});

describe('Microsoft Graph access tokens (a nonce in the header)', () => {
  it('refuses one with reason bad_signature on every event kind, even from a trusted tenant and audience', async () => {
    // Prepare: Entra signs over a header holding the nonce's SHA-256, then sends the nonce itself,
    // so nobody but Graph can verify the token.
    const { authorizer, logs } = authorizerFor(
      {
        type: 'oidc',
        preset: 'entra',
        issuer: `https://sts.windows.net/${TENANT}/`,
        audience: ['https://graph.microsoft.com'],
        jwksUri: fixture.jwks.url,
      },
      { 'User.Read': ORDERS },
    );
    const now = Math.floor(Date.now() / 1000);
    const nonce = randomUUID();
    const claims = {
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      scp: 'User.Read',
      sub: 's',
      tid: TENANT,
      uti: randomUUID(),
      ver: '1.0',
      appid: 'a',
    };
    const hashed = createHash('sha256').update(nonce).digest('base64url');
    const signedOver = signRaw(
      { typ: 'JWT', nonce: hashed, alg: 'RS256', x5t: fixture.keys.rsa.kid, kid: fixture.keys.rsa.kid },
      claims,
      keyObjectOf(fixture.keys.rsa),
    );
    const sent = { typ: 'JWT', nonce, alg: 'RS256', x5t: fixture.keys.rsa.kid, kid: fixture.keys.rsa.kid };
    const token = `${Buffer.from(JSON.stringify(sent)).toString('base64url')}.${signedOver.split('.').slice(1).join('.')}`;
    // Act
    const results = await onEveryKind(authorizer, logs, token, 'GET', '/orders');
    // Assert
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'deny' });
      expect(reason, kind).toBe('bad_signature');
    }
  });
});

describe('Keycloak ID tokens (typ "ID"), signed with the realm keys for a client the API accepts', () => {
  it('refuses one with reason wrong_token_type on every event kind, where the access token of the same sign-in passes', async () => {
    // Prepare: a web client that is also an accepted audience (no audience mapper), as many realms are set up
    const { authorizer, logs } = authorizerFor(
      {
        type: 'oidc',
        preset: 'keycloak',
        issuer: 'https://sso.example.com/realms/shop',
        audience: ['web-shop'],
        jwksUri: fixture.jwks.url,
      },
      { customer: ORDERS },
    );
    const now = Math.floor(Date.now() / 1000);
    const common = {
      exp: now + 300,
      iat: now,
      iss: 'https://sso.example.com/realms/shop',
      sub: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
      azp: 'web-shop',
      sid: randomUUID(),
      realm_access: { roles: ['customer'] },
    };
    const header = (kid: string) => `{"alg":"RS256","typ" : "JWT","kid" : "${kid}"}`;
    const key = keyObjectOf(fixture.keys.rsa);
    const idToken = signWithHeaderText(
      header(fixture.keys.rsa.kid),
      { ...common, jti: randomUUID(), aud: 'web-shop', typ: 'ID', nonce: 'n-1', at_hash: 'x', preferred_username: 'ana' },
      key,
    );
    const accessToken = signWithHeaderText(
      header(fixture.keys.rsa.kid),
      { ...common, jti: randomUUID(), aud: ['web-shop', 'account'], typ: 'Bearer', scope: 'openid profile' },
      key,
    );
    // Act
    const id = await onEveryKind(authorizer, logs, idToken, 'GET', '/orders');
    const access = await onEveryKind(authorizer, logs, accessToken, 'GET', '/orders');
    // Assert
    for (const { kind, observation, reason } of id) {
      expect(observation, kind).toMatchObject({ outcome: 'deny' });
      expect(reason, kind).toBe('wrong_token_type');
    }
    for (const { kind, reason } of access) expect(reason, kind).toBe('allowed');
  });
});

describe('Entra ID ID tokens, for an API registered as its own client', () => {
  it('refuses one with reason wrong_token_type on every event kind, though its aud and roles match', async () => {
    // Prepare: one app registration for the SPA and its API, so the ID token's aud is the API's client id
    const app = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
    const iss = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    const { authorizer, logs } = authorizerFor(
      { type: 'oidc', preset: 'entra', issuer: iss, audience: [app], jwksUri: fixture.jwks.url },
      { 'Orders.Read': ORDERS },
    );
    const now = Math.floor(Date.now() / 1000);
    // The v2.0 ID token of Microsoft's ID token claims reference: no azp, a nonce, the user's app roles.
    const idToken = signWithHeaderText(
      `{"typ":"JWT","alg":"RS256","kid":"${fixture.keys.rsa.kid}"}`,
      {
        aud: app,
        iss,
        iat: now,
        nbf: now,
        exp: now + 3600,
        name: 'Ana',
        nonce: '12345',
        oid: '00000000-0000-0000-66f3-3332eca7ea81',
        preferred_username: 'ana@contoso.com',
        rh: 'I',
        roles: ['Orders.Read'],
        sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
        tid: TENANT,
        uti: randomUUID(),
        ver: '2.0',
      },
      keyObjectOf(fixture.keys.rsa),
    );
    // Act
    const results = await onEveryKind(authorizer, logs, idToken, 'GET', '/orders');
    // Assert
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'deny' });
      expect(reason, kind).toBe('wrong_token_type');
    }
  });
});

describe('Keycloak access tokens without an audience mapper', () => {
  it.each([
    { name: 'no aud at all', aud: undefined },
    { name: 'only the account client', aud: 'account' },
  ])('refuses a token with $name with reason wrong_audience, naming no other cause', async ({ aud }) => {
    // Prepare
    const { authorizer, logs } = authorizerFor(
      {
        type: 'oidc',
        preset: 'keycloak',
        issuer: 'https://sso.example.com/realms/shop',
        audience: ['orders-api'],
        jwksUri: fixture.jwks.url,
      },
      { customer: ORDERS },
    );
    const now = Math.floor(Date.now() / 1000);
    const token = signWithHeaderText(
      `{"alg":"RS256","typ" : "JWT","kid" : "${fixture.keys.rsa.kid}"}`,
      {
        exp: now + 300,
        iat: now,
        jti: randomUUID(),
        iss: 'https://sso.example.com/realms/shop',
        ...(aud ? { aud } : {}),
        sub: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
        typ: 'Bearer',
        azp: 'web-shop',
        realm_access: { roles: ['customer'] },
        scope: 'openid profile',
      },
      keyObjectOf(fixture.keys.rsa),
    );
    // Act
    const results = await onEveryKind(authorizer, logs, token, 'GET', '/orders');
    // Assert
    for (const { kind, reason } of results) expect(reason, kind).toBe('wrong_audience');
  });
});
