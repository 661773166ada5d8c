/**
 * OpenID Connect discovery against a real authorization server: oidc-provider (npm) on
 * 127.0.0.1, whose keys are at `/jwks` — a path only its discovery document names — issuing RFC
 * 9068 JWT access tokens through the client-credentials grant. No `jwksUri` is configured: the
 * authorizer finds the keys as documented, follows a key rotation, fails closed while the provider
 * is down (also at cold start, without crashing) and recovers when it is back, and says what is
 * wrong when the keys cannot be located, within the JWKS's own bounds and rate limit.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer, type Authorizer } from '../../lambdas/authorizer/handler';
import { parseConfig } from '../../lambdas/core/config/config';
import { hydrateAtColdStart } from '../../lambdas/core/lambda-entry';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { TestClock } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import {
  OIDC_PROVIDER_API,
  signingJwk,
  startOidcProvider,
  type OidcProviderServer,
  type SigningJwk,
} from '../helpers/oidc-provider-server';
import { buildEvent, EVENT_KINDS, observe } from '../security/harness';

const ROUTES = { 'orders:read': ['GET /orders', 'GET /orders/{id}'], 'orders:write': ['POST /orders'] };
const DISCOVERY = '/.well-known/openid-configuration';

let dynalite: Dynalite;
let idp: OidcProviderServer;
let k1: SigningJwk;
let clock: TestClock;
let logs: LogCapture;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite.stop();
});

beforeEach(async () => {
  k1 = signingJwk('k1');
  idp = await startOidcProvider([k1]);
  clock = new TestClock();
  logs = new LogCapture();
});

afterEach(async () => {
  await idp.close();
});

/** An authorizer trusting the provider with no jwksUri: discovery finds the keys. */
function authorizerFor(issuer: string, simple = false): Authorizer {
  const config = parseConfig({
    issuers: [{ type: 'oidc', issuer, audience: [OIDC_PROVIDER_API], requireAccessTokenType: true }],
    routes: ROUTES,
    jwks: { allowInsecureLoopbackHttp: true, minRefetchIntervalSeconds: 10, maxAgeSeconds: 600 },
    revocation: { tableName: dynalite.tableName, requestTimeoutMs: 2000 },
    httpApiResponseMode: simple ? 'simple' : 'iam',
  });
  return createAuthorizer(config, { logger: logs, now: clock.now, dynamoDbClient: dynalite.client({ requestTimeoutMs: 2000 }) });
}

async function decide(authorizer: Authorizer, token: string, kind: (typeof EVENT_KINDS)[number] = 'http-v2-iam', path = '/orders/42') {
  const observation = await observe(authorizer.handler, kind, buildEvent(kind, { authorization: `Bearer ${token}`, path }));
  return { observation, reason: logs.lastDecision?.['reason'], error: logs.lastDecision?.['error'] };
}

const errorLines = () => logs.lines.filter((line) => line.level === 'error');

describe('OIDC discovery against oidc-provider', () => {
  it("verifies its client-credentials JWT access tokens on every event kind, with keys found through its discovery document's jwks_uri", async () => {
    // Prepare
    const authorizers = { iam: authorizerFor(idp.issuer), simple: authorizerFor(idp.issuer, true) };
    const token = await idp.token('orders:read');
    // Act
    const hydrated = await authorizers.iam.hydrate();
    const results = [];
    for (const kind of EVENT_KINDS)
      results.push({ kind, ...(await decide(kind === 'http-v2-simple' ? authorizers.simple : authorizers.iam, token, kind)) });
    // Assert
    expect(hydrated).toBe(1);
    for (const { kind, observation, reason } of results) {
      expect(observation, kind).toMatchObject({ outcome: 'allow' });
      expect(reason, kind).toBe('allowed');
    }
    expect(results[0]?.observation).toMatchObject({
      context: { sub: 'orders-service', scope: 'orders:read', clientId: 'orders-service', iss: idp.issuer },
    });
    // One document and one JWKS fetch per authorizer, and never aws-jwt-verify's default path.
    expect(idp.hits.get(DISCOVERY)).toBe(2);
    expect(idp.hits.get('/jwks')).toBe(2);
    expect(idp.hits.get('/.well-known/jwks.json')).toBeUndefined();
  });

  it('follows a key rotation: a token signed by the new key is verified after one refetch, old tokens until their key is gone', async () => {
    // Prepare
    const authorizer = authorizerFor(idp.issuer);
    const oldToken = await idp.token('orders:read');
    expect((await decide(authorizer, oldToken)).reason).toBe('allowed');
    const k2 = signingJwk('k2');
    idp.rotate([k2, k1]);
    const newToken = await idp.token('orders:read');
    clock.advanceSeconds(10);
    // Act
    const withNewKey = await decide(authorizer, newToken);
    const withOldKey = await decide(authorizer, oldToken);
    idp.rotate([k2]);
    clock.advanceSeconds(601);
    const afterRemoval = await decide(authorizer, await idp.token('orders:read'));
    const oldAfterRemoval = await decide(authorizer, oldToken);
    // Assert
    expect(withNewKey.reason).toBe('allowed');
    expect(withOldKey.reason).toBe('allowed');
    expect(afterRemoval.reason).toBe('allowed');
    expect(oldAfterRemoval.reason).toBe('unknown_key');
    expect(idp.hits.get('/jwks')).toBe(3);
  });

  it('fails closed while the provider is down at cold start, logging why without crashing, and recovers when it is back', async () => {
    // Prepare
    await idp.stop();
    const authorizer = authorizerFor(idp.issuer);
    const token = await tokenFromRunningProvider(idp);
    // Act
    await hydrateAtColdStart(authorizer.hydrate, parseConfig(configOf(idp.issuer)).issuers, logs);
    const whileDown = await decide(authorizer, token, 'rest-request');
    const burst = await Promise.all(Array.from({ length: 20 }, () => decide(authorizer, token)));
    await idp.start();
    const beforeInterval = await decide(authorizer, token);
    clock.advanceSeconds(10);
    const afterInterval = await decide(authorizer, token);
    // Assert
    expect(errorLines()[0]).toMatchObject({
      message: 'jwks cannot be located: oidc discovery failed',
      attributes: { uri: `${idp.issuer}${DISCOVERY}`, error: expect.stringContaining(`no discovery document for issuer ${idp.issuer}`) },
    });
    expect(logs.lines.some((line) => line.message === 'cold start: not every JWKS could be fetched')).toBe(true);
    expect(whileDown).toMatchObject({ observation: { outcome: 'deny', shape: '401' }, reason: 'jwks_unavailable' });
    expect(whileDown.error).toContain(`OidcDiscoveryError: no discovery document for issuer ${idp.issuer}`);
    expect(burst.every((result) => result.reason === 'jwks_unavailable')).toBe(true);
    expect(beforeInterval.reason).toBe('jwks_unavailable');
    expect(afterInterval.reason).toBe('allowed');
    expect(idp.hits.get(DISCOVERY)).toBe(1);
  });

  it('keeps verifying with the keys it has while the provider is briefly down', async () => {
    // Prepare
    const authorizer = authorizerFor(idp.issuer);
    const token = await idp.token('orders:read');
    await authorizer.hydrate();
    await idp.stop();
    // Act
    clock.advanceSeconds(301);
    const ageing = await decide(authorizer, token);
    clock.advanceSeconds(300);
    const expired = await decide(authorizer, token);
    // Assert
    expect(ageing.reason).toBe('allowed');
    expect(expired.reason).toBe('jwks_unavailable');
  });

  it.each([
    {
      name: 'an issuer configured with a trailing slash the tokens do not have',
      issuer: (idp: OidcProviderServer) => `${idp.issuer}/`,
      error: (idp: OidcProviderServer) => `names issuer "${idp.issuer}", not ${idp.issuer}/`,
    },
    {
      name: 'an issuer whose discovery document does not exist',
      issuer: (idp: OidcProviderServer) => `${idp.issuer}/tenant`,
      error: (idp: OidcProviderServer) => `no discovery document for issuer ${idp.issuer}/tenant at ${idp.issuer}/tenant${DISCOVERY}`,
    },
  ])('says why the keys cannot be located for $name, in the error line and the decision line', async ({ issuer, error }) => {
    // Prepare
    const authorizer = authorizerFor(issuer(idp));
    const token = await idp.token('orders:read');
    // Act
    await authorizer.hydrate();
    const result = await decide(authorizer, token, 'http-v1');
    // Assert
    expect(errorLines()).toEqual([
      expect.objectContaining({
        message: 'jwks cannot be located: oidc discovery failed',
        attributes: expect.objectContaining({ error: expect.stringContaining(error(idp)) }),
      }),
    ]);
    // The token names the provider's real issuer, which this configuration does not trust.
    expect(result.reason).toBe('wrong_issuer');
  });
});

function configOf(issuer: string): Record<string, unknown> {
  return {
    issuers: [{ type: 'oidc', issuer, audience: [OIDC_PROVIDER_API] }],
    routes: ROUTES,
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { enabled: false },
  };
}

/** A token minted while the provider briefly runs, then stopped again. */
async function tokenFromRunningProvider(server: OidcProviderServer): Promise<string> {
  await server.start();
  const token = await server.token('orders:read');
  await server.stop();
  server.hits.clear();
  return token;
}
