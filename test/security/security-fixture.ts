/**
 * The world the security suite attacks: the integration fixture (loopback JWKS with RSA, EC and
 * Ed25519 keys, dynalite with the revocation table) plus what an attacker brings — their own keys
 * and their own JWKS server, which must never be contacted — and a Cognito user pool issuer next
 * to the OIDC one, so Cognito-specific cases run against the same handler.
 *
 * Tokens are signed here with `node:crypto` ({@link signSegments}) rather than jose, because most
 * attack tokens are things jose refuses to produce (hostile headers, duplicate members, wrong
 * claim types, invalid UTF-8).
 */
import { createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAuthorizer, type Authorizer, type AuthorizerDeps } from '../../lambdas/authorizer/handler';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { AUDIENCE, SAMPLE_ROUTES, startFixture, type Fixture } from '../helpers/fixture';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { generateTestKey, type TestKey } from '../helpers/keys';
import { LogCapture } from '../helpers/log-capture';
import { base64UrlJson } from '../helpers/tokens';
import { keyObjectOf } from './harness';

export const POOL_ID = 'eu-west-1_SecPool01';
export const POOL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
export const POOL_CLIENT_ID = '7sec0example1client2id3';

/** A key pair usable with {@link signRaw}: the private KeyObject, its kid and algorithm. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: TestKey['publicJwk'];
}

export interface SecurityFixture {
  readonly base: Fixture;
  readonly issuer: string;
  /** Keys the issuer's JWKS publishes. */
  readonly trusted: { readonly rsa: SigningKey; readonly ec: SigningKey; readonly ed: SigningKey };
  /** The same key pairs, published a second time without "alg" (kids `noalg-rsa`, …). */
  readonly trustedWithoutAlg: { readonly rsa: SigningKey; readonly ec: SigningKey; readonly ed: SigningKey };
  /** P-384 and P-521 keys the issuer's JWKS publishes too (ES384 and ES512 are allowed). */
  readonly trustedEcdsa: { readonly es384: SigningKey; readonly es512: SigningKey };
  /** Keys only the attacker holds (never in the trusted JWKS). */
  readonly attacker: { readonly rsa: SigningKey; readonly ec: SigningKey };
  /** A JWKS server the attacker controls, publishing the attacker's keys; must see no hits. */
  readonly attackerJwks: JwksServer;
  readonly writer: RevocationWriter;
  readonly dynamoDbClient: DynamoDBClient;
  /** Claims of a valid access token for the OIDC issuer (fresh jti each call). */
  validClaims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Signs a token; `undefined` values in `header`/`claims` remove that member. */
  mint(options?: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: SigningKey }): string;
  /** Builds an authorizer over this world (revocation on, both issuers trusted). */
  authorizer(options?: { simple?: boolean; overrides?: Record<string, unknown>; deps?: AuthorizerDeps }): Authorizer;
  close(): Promise<void>;
}

export async function startSecurityFixture(): Promise<SecurityFixture> {
  const base = await startFixture();
  const [attackerRsa, attackerEc, es384, es512] = await Promise.all([
    generateTestKey('RS256', { kid: 'attacker-rsa' }),
    generateTestKey('ES256', { kid: 'attacker-ec' }),
    generateTestKey('ES384', { kid: 'trusted-es384' }),
    generateTestKey('ES512', { kid: 'trusted-es512' }),
  ]);
  const attackerJwks = await startJwksServer([attackerRsa.publicJwk, attackerEc.publicJwk]);
  const dynamoDbClient = base.dynalite.client({ requestTimeoutMs: 2000, maxAttempts: 2 });
  const trusted = { rsa: signingKey(base.keys.rsa), ec: signingKey(base.keys.ec), ed: signingKey(base.keys.ed) };
  // Some issuers (Entra ID among them) publish keys without "alg"; the issuer here publishes each
  // key a second time that way, under its own kid, so attacks on that case can be tried too.
  const withoutAlg = { rsa: withoutAlgorithm(trusted.rsa), ec: withoutAlgorithm(trusted.ec), ed: withoutAlgorithm(trusted.ed) };
  base.jwks.keys = [...base.jwks.keys, ...Object.values(withoutAlg).map((key) => key.publicJwk), es384.publicJwk, es512.publicJwk];

  const validClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: base.issuer,
      aud: AUDIENCE,
      sub: 'alice',
      scope: 'orders:read',
      exp: now + 600,
      iat: now,
      jti: randomUUID(),
      ...overrides,
    };
  };

  return {
    base,
    issuer: base.issuer,
    trusted,
    trustedWithoutAlg: withoutAlg,
    trustedEcdsa: { es384: signingKey(es384), es512: signingKey(es512) },
    attacker: { rsa: signingKey(attackerRsa), ec: signingKey(attackerEc) },
    attackerJwks,
    writer: new RevocationWriter(dynamoDbClient, base.dynalite.tableName),
    dynamoDbClient,
    validClaims,
    // Signed with the key's own algorithm whatever the header claims, so headers can lie.
    mint: ({ header = {}, claims = {}, key = trusted.rsa } = {}) =>
      signSegments(
        base64UrlJson(withoutUndefined({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })),
        base64UrlJson(withoutUndefined(validClaims(claims))),
        key,
      ),
    authorizer: ({ simple = false, overrides = {}, deps = {} } = {}) =>
      createAuthorizer(
        base.config({
          issuers: [
            { type: 'oidc', issuer: base.issuer, audience: [AUDIENCE], jwksUri: base.jwks.url },
            // Groups count as scopes, so a group name is held to the scope-token grammar too.
            { type: 'cognito', userPoolId: POOL_ID, clientId: [POOL_CLIENT_ID], jwksUri: base.jwks.url, groupsAsScopes: true },
          ],
          routes: SAMPLE_ROUTES,
          algorithms: ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'],
          // Generous DynamoDB bounds by default: the suite runs beside others on a busy 2-core
          // machine, and only faults-dynamodb is about timing out (it sets its own bounds).
          revocation: { tableName: base.dynalite.tableName, requestTimeoutMs: 2000, maxAttempts: 2 },
          ...(simple ? { httpApiResponseMode: 'simple' } : {}),
          ...overrides,
        }),
        { logger: new LogCapture(), dynamoDbClient, ...deps },
      ),
    close: async () => {
      dynamoDbClient.destroy();
      await Promise.all([base.close(), attackerJwks.close()]);
    },
  };
}

/**
 * Signs pre-encoded segments as they are, for tokens whose JSON must be written by hand
 * (duplicate members, escapes, invalid UTF-8).
 */
export function signSegments(headerSegment: string, payloadSegment: string, key: SigningKey): string {
  const input = `${headerSegment}.${payloadSegment}`;
  const digest = key.alg === 'EdDSA' ? null : `sha${key.alg.slice(2)}`;
  const signature = sign(digest, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** base64url of raw text or bytes (no JSON.stringify: the caller wrote the JSON). */
export function segment(text: string | Buffer): string {
  return (typeof text === 'string' ? Buffer.from(text) : text).toString('base64url');
}

export { base64UrlJson };

/** A {@link SigningKey} for a jose-generated test key. */
export function signingKey(key: TestKey): SigningKey {
  const privateKey = keyObjectOf(key);
  return { kid: key.kid, alg: key.alg, privateKey, publicKey: createPublicKey(privateKey), publicJwk: key.publicJwk };
}

function withoutAlgorithm(key: SigningKey): SigningKey {
  const kid = `noalg-${key.publicJwk.kty === 'RSA' ? 'rsa' : key.publicJwk.kty === 'EC' ? 'ec' : 'ed'}`;
  const { alg: _alg, ...publicJwk } = key.publicJwk;
  return { ...key, kid, publicJwk: { ...publicJwk, kid } };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
