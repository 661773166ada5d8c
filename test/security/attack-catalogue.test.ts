/**
 * The attack catalogue: one table of tokens and events an attacker (or a broken client) could
 * send, each of which must be denied with exactly one expected reason code — never allowed, never
 * a crash. Every row runs through every event kind it applies to (REST TOKEN, REST REQUEST,
 * HTTP API 1.0, HTTP API 2.0 in IAM and in simple mode) against the real handler, a loopback JWKS
 * server and dynalite. Each row is a line of SECURITY.md; the last test checks that the document
 * shows this run's results.
 *
 * Keys that let anyone forge (factorable RSA moduli, ROCA, small-order Ed25519/Ed448 points) are
 * published under the trusted issuer here, each with its forgery where one exists
 * (test/security/forgeable-keys.ts). Cases covered elsewhere and not repeated here: 1024-bit RSA
 * and e = 1 in test/integration/jwks.test.ts; revocation windows and DynamoDB outages in
 * test/integration/revocation.test.ts and test/security/faults-dynamodb.test.ts; what cached
 * policies allow for later requests in test/security/route-policy-fuzz.test.ts.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { PolicyDocument } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../lambdas/authorizer/handler';
import { VERIFICATION_SETTINGS } from '../../lambdas/core/config/defaults';
import type { DenyReason } from '../../lambdas/core/reasons';
import type { EventOptions } from '../helpers/events';
import { AUDIENCE } from '../helpers/fixture';
import { generateTestKey } from '../helpers/keys';
import { LogCapture } from '../helpers/log-capture';
import { forgeableKeys, type ForgeableKey } from './forgeable-keys';
import {
  buildEvent,
  EVENT_KINDS,
  expectedDenyShape,
  observe,
  policyAllows,
  REQUEST_KINDS,
  twin,
  withS,
  type EventKindName,
} from './harness';
import { REPORT_MODE, saveSection, staleness, type SectionResult } from './report';
import {
  base64UrlJson,
  POOL_CLIENT_ID,
  POOL_ISSUER,
  segment,
  signingKey,
  signSegments,
  startSecurityFixture,
  type SecurityFixture,
  type SigningKey,
} from './security-fixture';

/** What a case sends: the Authorization header value, event options, and changes API Gateway would never make. */
interface AttackRequest {
  readonly authorization?: string;
  readonly options?: EventOptions;
  readonly alter?: (event: Record<string, unknown>, kind: EventKindName) => void;
}

interface AttackCase {
  readonly name: string;
  readonly reason: DenyReason;
  /** Event kinds the case applies to; every kind when absent. */
  readonly kinds?: readonly EventKindName[];
  readonly request: (world: SecurityFixture) => AttackRequest | Promise<AttackRequest>;
}

const bearer = (token: string): AttackRequest => ({ authorization: `Bearer ${token}` });
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const parts = (token: string): [string, string, string] => token.split('.') as [string, string, string];
/** A token in compact form (three dot-joined base64url runs), as a client might paste one into a path. */
const COMPACT_JOSE_RUN = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g;

/** The order n of P-256: r = s = n is the other classic "psychic signature". */
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

/** Published under the trusted issuer for this file; built once (prime generation). */
const FORGEABLE: readonly ForgeableKey[] = forgeableKeys();

/** Every upper/lower-case spelling of "none" (16). */
const NONE_SPELLINGS = Array.from({ length: 16 }, (_, mask) =>
  [...'none'].map((char, i) => (mask & (1 << i) ? char.toUpperCase() : char)).join(''),
);

/** A token whose payload is hand-written JSON, signed by `key` (duplicate members, escapes, bad UTF-8). */
function signedRawPayload(
  world: SecurityFixture,
  payloadJson: string | Buffer,
  key: SigningKey = world.trusted.rsa,
  headerJson?: string,
): string {
  const header = headerJson ?? JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'JWT' });
  return signSegments(segment(header), segment(payloadJson), key);
}

/** Valid claims as JSON text with one member written by hand (escapes JSON.stringify would never produce). */
function withRawMember(world: SecurityFixture, name: string, rawValue: string): string {
  const { [name]: _replaced, ...claims } = world.validClaims();
  return `${JSON.stringify(claims).slice(0, -1)},"${name}":${rawValue}}`;
}

/** The same bytes spelt differently: the last base64url character with an unused low bit set. */
function respelt(segmentText: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const spelt = `${segmentText.slice(0, -1)}${alphabet[alphabet.indexOf(segmentText.at(-1) ?? 'A') | 1]}`;
  if (spelt === segmentText || !Buffer.from(spelt, 'base64url').equals(Buffer.from(segmentText, 'base64url')))
    throw new Error(`no twin spelling for ${segmentText.length} characters`);
  return spelt;
}

const ATTACKS: readonly AttackCase[] = [
  // Algorithm
  ...NONE_SPELLINGS.map(
    (alg): AttackCase => ({
      name: `alg "${alg}" with a signature segment`,
      reason: 'bad_algorithm',
      request: (w) => {
        const [, payload, signature] = parts(w.mint());
        return bearer(`${base64UrlJson({ alg, kid: w.trusted.rsa.kid, typ: 'JWT' })}.${payload}.${signature}`);
      },
    }),
  ),
  {
    name: 'alg "none" with an empty signature (unsecured JWT)',
    reason: 'malformed',
    request: (w) => bearer(`${base64UrlJson({ alg: 'none', typ: 'JWT' })}.${base64UrlJson(w.validClaims())}.`),
  },
  {
    name: "HS256 signed with the issuer's RSA public key (PEM) as HMAC secret (key confusion)",
    reason: 'bad_algorithm',
    request: (w) => {
      const input = `${base64UrlJson({ alg: 'HS256', kid: w.trusted.rsa.kid, typ: 'JWT' })}.${base64UrlJson(w.validClaims())}`;
      const secret = w.trusted.rsa.publicKey.export({ type: 'spki', format: 'pem' });
      return bearer(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
    },
  },
  {
    name: "HS512 signed with the issuer's public JWK as HMAC secret (key confusion)",
    reason: 'bad_algorithm',
    request: (w) => {
      const input = `${base64UrlJson({ alg: 'HS512', kid: w.trusted.rsa.kid })}.${base64UrlJson(w.validClaims())}`;
      return bearer(`${input}.${createHmac('sha512', JSON.stringify(w.trusted.rsa.publicJwk)).update(input).digest('base64url')}`);
    },
  },
  { name: 'no alg header', reason: 'bad_algorithm', request: (w) => bearer(w.mint({ header: { alg: undefined } })) },
  { name: 'alg as a number', reason: 'malformed', request: (w) => bearer(w.mint({ header: { alg: 256 } })) },
  {
    name: 'RS512 (supported by the library, not in the allow-list), signed by the trusted key',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: { ...w.trusted.rsa, alg: 'RS512' } })),
  },
  { name: 'PS256 (RSA-PSS, not supported)', reason: 'bad_algorithm', request: (w) => bearer(w.mint({ header: { alg: 'PS256' } })) },
  {
    name: 'RS256 header naming the trusted EC key',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ header: { kid: w.trusted.ec.kid } })),
  },
  {
    name: 'ES256 header naming the trusted RSA key, signed by the EC key',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.trusted.ec, header: { kid: w.trusted.rsa.kid } })),
  },
  {
    name: 'EdDSA header naming the trusted EC key, signed by the Ed25519 key',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.trusted.ed, header: { kid: w.trusted.ec.kid } })),
  },

  // Keys published without "alg": the header's alg must still fit the key's type and curve.
  {
    name: 'ES256 signature labelled RS256, under an EC key published without alg (allow-list bypass)',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.trustedWithoutAlg.ec, header: { alg: 'RS256' } })),
  },
  {
    name: 'RS256 signature labelled EdDSA, under an RSA key published without alg (allow-list bypass)',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.trustedWithoutAlg.rsa, header: { alg: 'EdDSA' } })),
  },
  {
    name: 'RS256 header naming an Ed25519 key published without alg (no private key needed)',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.attacker.rsa, header: { kid: w.trustedWithoutAlg.ed.kid } })),
  },
  {
    name: 'RS256 header naming an EC key published without alg, RSA-sized signature',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.attacker.rsa, header: { kid: w.trustedWithoutAlg.ec.kid } })),
  },
  {
    name: 'ES256 header naming an Ed25519 key published without alg',
    reason: 'bad_algorithm',
    request: (w) => bearer(w.mint({ key: w.attacker.ec, header: { kid: w.trustedWithoutAlg.ed.kid } })),
  },

  // Signature
  {
    name: 'signature stripped (empty third segment)',
    reason: 'malformed',
    request: (w) => bearer(`${parts(w.mint()).slice(0, 2).join('.')}.`),
  },
  { name: 'signature stripped (two segments)', reason: 'malformed', request: (w) => bearer(parts(w.mint()).slice(0, 2).join('.')) },
  {
    name: 'RS256 signature truncated to half its bytes',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      return bearer(`${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 128).toString('base64url')}`);
    },
  },
  {
    name: 'RS256 signature with one bit flipped',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      const bytes = Buffer.from(s, 'base64url');
      bytes[10] = (bytes[10] ?? 0) ^ 1;
      return bearer(`${h}.${p}.${bytes.toString('base64url')}`);
    },
  },
  {
    name: 'signature by another key under the trusted kid',
    reason: 'bad_signature',
    request: (w) => bearer(w.mint({ key: { ...w.attacker.rsa, kid: w.trusted.rsa.kid } })),
  },
  {
    name: 'signature of another token (swapped in)',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p] = parts(w.mint());
      return bearer(`${h}.${p}.${parts(w.mint({ claims: { sub: 'mallory' } }))[2]}`);
    },
  },
  {
    name: 'ES256 signature truncated to 40 bytes',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p, s] = parts(w.mint({ key: w.trusted.ec }));
      return bearer(`${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 40).toString('base64url')}`);
    },
  },
  {
    name: 'ES256 signature DER-encoded instead of r || s',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p] = parts(w.mint({ key: w.trusted.ec }));
      return bearer(`${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), w.trusted.ec.privateKey).toString('base64url')}`);
    },
  },
  {
    name: 'ECDSA signature r = s = 0 (psychic signature, CVE-2022-21449)',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p] = parts(w.mint({ key: w.trusted.ec }));
      return bearer(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`);
    },
  },
  {
    name: 'ECDSA signature r = s = n (the curve order)',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p] = parts(w.mint({ key: w.trusted.ec }));
      return bearer(`${h}.${p}.${Buffer.concat([P256_ORDER, P256_ORDER]).toString('base64url')}`);
    },
  },
  {
    name: 'Ed25519 signature of all zeros',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p] = parts(w.mint({ key: w.trusted.ed }));
      return bearer(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`);
    },
  },
  // RS256 signatures are 342 characters and ES256/Ed25519 ones 86: all end in unused bits.
  {
    name: 'RS256 signature re-spelt with unused bits set (same bytes, different token)',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      return bearer(`${h}.${p}.${respelt(s)}`);
    },
  },
  // ECDSA's second signature: (r, n − s) verifies as (r, s) does — it is the same token, revocation
  // and all; every other change to s does not verify.
  {
    name: 'ES256 (r, n − s) twin of a revoked token',
    reason: 'revoked',
    request: async (w) => {
      const claims = w.validClaims();
      await w.writer.revokeToken({ issuer: w.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
      return bearer(twin(w.mint({ key: w.trusted.ec, claims })));
    },
  },
  {
    name: 'ES384 (r, n − s) twin of an expired token',
    reason: 'expired',
    request: (w) => bearer(twin(w.mint({ key: w.trustedEcdsa.es384, claims: { exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 } }))),
  },
  {
    name: 'ES512 (r, n − s) twin of a token whose scopes do not grant the route',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(twin(w.mint({ key: w.trustedEcdsa.es512 }))), options: { method: 'DELETE', path: '/orders/1' } }),
  },
  {
    name: 'ES512 signature with s + n (still fits in 66 bytes)',
    reason: 'bad_signature',
    request: (w) => bearer(withS(w.mint({ key: w.trustedEcdsa.es512 }), (s, n) => s + n)),
  },
  {
    name: 'ES256 signature with s replaced by n − s + 1',
    reason: 'bad_signature',
    request: (w) => bearer(withS(w.mint({ key: w.trusted.ec }), (s, n) => n - s + 1n)),
  },
  {
    name: 'ES384 signature with s = n (the curve order)',
    reason: 'bad_signature',
    request: (w) => bearer(withS(w.mint({ key: w.trustedEcdsa.es384 }), (_s, n) => n)),
  },
  {
    name: 'ES384 signature with s = 0',
    reason: 'bad_signature',
    request: (w) => bearer(withS(w.mint({ key: w.trustedEcdsa.es384 }), () => 0n)),
  },
  {
    name: 'ES256 twin with a byte appended (wrong length)',
    reason: 'bad_signature',
    request: (w) => bearer(withS(w.mint({ key: w.trusted.ec }), (s, n) => n - s, 1)),
  },
  {
    name: 'ES256 twin re-spelt with unused bits set',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(twin(w.mint({ key: w.trusted.ec })));
      return bearer(`${h}.${p}.${respelt(s)}`);
    },
  },
  {
    name: 'ES256 signature re-spelt with unused bits set (same bytes, different token)',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(w.mint({ key: w.trusted.ec }));
      return bearer(`${h}.${p}.${respelt(s)}`);
    },
  },
  {
    name: 'Ed25519 signature re-spelt with unused bits set (same bytes, different token)',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(w.mint({ key: w.trusted.ed }));
      return bearer(`${h}.${p}.${respelt(s)}`);
    },
  },

  // Payload and header integrity
  {
    name: 'payload altered after signing (scope raised to admin)',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      return bearer(`${h}.${base64UrlJson({ ...claims, scope: 'orders:read admin' })}.${s}`);
    },
  },
  {
    name: 'payload altered after signing (sub changed)',
    reason: 'bad_signature',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      return bearer(`${h}.${base64UrlJson({ ...claims, sub: 'root' })}.${s}`);
    },
  },
  {
    name: 'header altered after signing (typ changed)',
    reason: 'bad_signature',
    request: (w) => {
      const [, p, s] = parts(w.mint());
      return bearer(`${base64UrlJson({ alg: 'RS256', kid: w.trusted.rsa.kid, typ: 'at+jwt' })}.${p}.${s}`);
    },
  },
  {
    name: 'header and payload segments swapped',
    reason: 'bad_algorithm',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      return bearer(`${p}.${h}.${s}`);
    },
  },

  // Keys
  { name: 'kid naming no published key', reason: 'unknown_key', request: (w) => bearer(w.mint({ header: { kid: 'no-such-key' } })) },
  { name: 'no kid header', reason: 'unknown_key', request: (w) => bearer(w.mint({ header: { kid: undefined } })) },
  { name: 'empty kid', reason: 'unknown_key', request: (w) => bearer(w.mint({ header: { kid: '' } })) },
  { name: 'kid as a number', reason: 'malformed', request: (w) => bearer(w.mint({ header: { kid: 1 } })) },
  {
    name: 'kid with path traversal (../../../../etc/passwd)',
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ header: { kid: '../../../../etc/passwd' } })),
  },
  { name: 'kid of 5,000 characters', reason: 'unknown_key', request: (w) => bearer(w.mint({ header: { kid: 'k'.repeat(5000) } })) },
  {
    name: 'kid holding the trusted kid and a NUL',
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ header: { kid: `${w.trusted.rsa.kid}\u0000` } })),
  },
  {
    name: 'kid as a list holding the trusted kid',
    reason: 'malformed',
    request: (w) => bearer(w.mint({ header: { kid: [w.trusted.rsa.kid] } })),
  },
  {
    name: 'ES256 header naming the trusted RSA key, the RSA signature kept (length checked first)',
    reason: 'bad_signature',
    request: (w) => bearer(w.mint({ header: { alg: 'ES256' } })),
  },
  { name: "kid with SQL (' OR '1'='1' --)", reason: 'unknown_key', request: (w) => bearer(w.mint({ header: { kid: "' OR '1'='1' --" } })) },
  {
    name: "kid that is a URL of the attacker's JWKS",
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ header: { kid: w.attackerJwks.url } })),
  },
  {
    name: "jku pointing at the attacker's JWKS, signed by the attacker's key",
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ key: w.attacker.rsa, header: { jku: w.attackerJwks.url } })),
  },
  {
    name: "x5u pointing at the attacker's server, signed by the attacker's key",
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ key: w.attacker.rsa, header: { x5u: `${w.attackerJwks.origin}/cert.pem` } })),
  },
  {
    name: "jwk header embedding the attacker's public key, signed by it",
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ key: w.attacker.rsa, header: { jwk: w.attacker.rsa.publicJwk } })),
  },
  {
    name: "x5c header embedding the attacker's key, signed by it",
    reason: 'unknown_key',
    request: (w) =>
      bearer(
        w.mint({
          key: w.attacker.rsa,
          header: { x5c: [w.attacker.rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')] },
        }),
      ),
  },
  {
    name: "jku to the attacker's JWKS under the trusted kid, signed by the attacker's key",
    reason: 'bad_signature',
    request: (w) => bearer(w.mint({ key: { ...w.attacker.rsa, kid: w.trusted.rsa.kid }, header: { jku: w.attackerJwks.url } })),
  },
  {
    name: "jwk header with the attacker's key under the trusted kid, signed by it",
    reason: 'bad_signature',
    request: (w) =>
      bearer(
        w.mint({
          key: { ...w.attacker.rsa, kid: w.trusted.rsa.kid },
          header: { jwk: { ...w.attacker.rsa.publicJwk, kid: w.trusted.rsa.kid } },
        }),
      ),
  },
  { name: 'crit header naming an extension', reason: 'malformed', request: (w) => bearer(w.mint({ header: { crit: ['exp'], exp: 1 } })) },
  { name: 'crit as an empty list (RFC 7515: never empty)', reason: 'malformed', request: (w) => bearer(w.mint({ header: { crit: [] } })) },
  {
    name: 'b64: false with crit ["b64"] (an RFC 7797 unencoded payload)',
    reason: 'malformed',
    request: (w) => bearer(w.mint({ header: { b64: false, crit: ['b64'] } })),
  },

  // Keys anyone could forge with, published by the trusted issuer (a hostile or broken JWKS)
  ...FORGEABLE.map(
    (key): AttackCase => ({
      name: `${key.forges ? 'token forged' : 'token'} for a published ${key.name}`,
      reason: 'unknown_key',
      request: (w) => {
        const input = `${base64UrlJson({ alg: key.alg, kid: key.jwk['kid'], typ: 'JWT' })}.${base64UrlJson(w.validClaims({ scope: 'orders:read admin' }))}`;
        return bearer(`${input}.${key.signature(input)}`);
      },
    }),
  ),
  {
    name: 'token signed by a trusted key published after the 50th key of the set (the key policy judges at most 50)',
    reason: 'unknown_key',
    request: (w) => bearer(w.mint({ key: lateKey })),
  },

  // Time
  {
    name: 'expired an hour ago',
    reason: 'expired',
    request: (w) => bearer(w.mint({ claims: { exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 } })),
  },
  {
    name: 'expired just beyond the 30 s clock skew',
    reason: 'expired',
    request: (w) => bearer(w.mint({ claims: { exp: nowSeconds() - 35 } })),
  },
  { name: 'nbf in the future', reason: 'not_yet_valid', request: (w) => bearer(w.mint({ claims: { nbf: nowSeconds() + 600 } })) },
  {
    name: 'iat far in the future',
    reason: 'not_yet_valid',
    request: (w) => bearer(w.mint({ claims: { iat: nowSeconds() + 86_400 * 365 } })),
  },
  { name: 'no exp', reason: 'missing_claim', request: (w) => bearer(w.mint({ claims: { exp: undefined } })) },
  // Dates beyond what a JavaScript Date holds (±8.64e15 ms): aws-jwt-verify would throw formatting them.
  {
    name: 'exp of −8640000000001 (before the earliest date)',
    reason: 'expired',
    request: (w) => bearer(w.mint({ claims: { exp: -8_640_000_000_001 } })),
  },
  { name: 'exp of −1e300', reason: 'expired', request: (w) => bearer(w.mint({ claims: { exp: -1e300 } })) },
  { name: 'exp of −8.64e12 (the earliest date itself)', reason: 'expired', request: (w) => bearer(w.mint({ claims: { exp: -8.64e12 } })) },
  {
    name: 'nbf of 8640000000001 (after the latest date)',
    reason: 'not_yet_valid',
    request: (w) => bearer(w.mint({ claims: { nbf: 8_640_000_000_001 } })),
  },
  { name: 'nbf of 1e300', reason: 'not_yet_valid', request: (w) => bearer(w.mint({ claims: { nbf: 1e300 } })) },
  { name: 'iat of 1e300', reason: 'not_yet_valid', request: (w) => bearer(w.mint({ claims: { iat: 1e300 } })) },
  {
    name: 'exp of −1e300 in an ES512 token with its signature changed (dates are checked before the signature)',
    reason: 'expired',
    request: (w) => bearer(withS(w.mint({ key: w.trustedEcdsa.es512, claims: { exp: -1e300 } }), (s, n) => (s + 1n) % n)),
  },

  // Issuer, audience, token kind
  {
    name: 'iss of an untrusted issuer',
    reason: 'wrong_issuer',
    request: (w) => bearer(w.mint({ claims: { iss: 'https://evil.example.com' } })),
  },
  { name: 'no iss', reason: 'wrong_issuer', request: (w) => bearer(w.mint({ claims: { iss: undefined } })) },
  { name: 'iss with a trailing slash', reason: 'wrong_issuer', request: (w) => bearer(w.mint({ claims: { iss: `${w.issuer}/` } })) },
  { name: 'iss in different case', reason: 'wrong_issuer', request: (w) => bearer(w.mint({ claims: { iss: w.issuer.toUpperCase() } })) },
  {
    name: 'iss with the other scheme (https:// for http://)',
    reason: 'wrong_issuer',
    request: (w) => bearer(w.mint({ claims: { iss: w.issuer.replace(/^http:/, 'https:') } })),
  },
  {
    name: 'iss with a Cyrillic ѕ (U+0455) for the s of its path (a confusable)',
    reason: 'wrong_issuer',
    request: (w) => bearer(w.mint({ claims: { iss: w.issuer.replace('/issuer', '/issuer'.replace('s', '\u0455')) } })),
  },
  {
    name: 'iss of another Cognito user pool',
    reason: 'wrong_issuer',
    request: (w) => bearer(w.mint({ claims: { iss: POOL_ISSUER.replace('SecPool01', 'OtherPool') } })),
  },
  {
    name: 'aud of another API (a token for another API id)',
    reason: 'wrong_audience',
    request: (w) => bearer(w.mint({ claims: { aud: 'https://other-api.tollbooth.test' } })),
  },
  { name: 'no aud', reason: 'wrong_audience', request: (w) => bearer(w.mint({ claims: { aud: undefined } })) },
  {
    name: 'aud list without the accepted audience',
    reason: 'wrong_audience',
    request: (w) => bearer(w.mint({ claims: { aud: ['https://a.example', `${AUDIENCE}/`] } })),
  },
  { name: 'aud as an empty list', reason: 'wrong_audience', request: (w) => bearer(w.mint({ claims: { aud: [] } })) },
  {
    name: 'aud list of an empty string and another audience twice',
    reason: 'wrong_audience',
    request: (w) => bearer(w.mint({ claims: { aud: ['', 'https://a.example', 'https://a.example'] } })),
  },
  {
    name: 'exp of -0',
    reason: 'expired',
    request: (w) => bearer(signedRawPayload(w, withRawMember(w, 'exp', '-0'))),
  },
  {
    name: 'Cognito ID token where an access token is required',
    reason: 'wrong_token_use',
    request: (w) => bearer(w.mint({ claims: { iss: POOL_ISSUER, aud: POOL_CLIENT_ID, token_use: 'id' } })),
  },
  {
    name: 'Cognito token without token_use',
    reason: 'wrong_token_use',
    request: (w) => bearer(w.mint({ claims: { iss: POOL_ISSUER, aud: undefined, client_id: POOL_CLIENT_ID } })),
  },
  {
    name: 'Cognito access token of another app client',
    reason: 'wrong_audience',
    request: (w) => bearer(w.mint({ claims: { iss: POOL_ISSUER, aud: undefined, client_id: 'someone-else', token_use: 'access' } })),
  },

  // Claims Tollbooth itself needs
  { name: 'no sub', reason: 'missing_claim', request: (w) => bearer(w.mint({ claims: { sub: undefined } })) },
  { name: 'empty sub', reason: 'missing_claim', request: (w) => bearer(w.mint({ claims: { sub: '' } })) },
  { name: 'no jti while revocation is on', reason: 'missing_claim', request: (w) => bearer(w.mint({ claims: { jti: undefined } })) },
  { name: 'exp as a string', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { exp: String(nowSeconds() + 600) } })) },
  {
    name: 'exp of 1e400 (Infinity once parsed)',
    reason: 'invalid_claim',
    request: (w) => bearer(signedRawPayload(w, `${JSON.stringify(w.validClaims({ exp: undefined })).slice(0, -1)},"exp":1e400}`)),
  },
  { name: 'nbf as a string', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { nbf: 'yesterday' } })) },
  { name: 'iat as a boolean', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { iat: true } })) },
  { name: 'scope as a number', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { scope: 42 } })) },
  { name: 'scope as an array', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { scope: ['orders:read', 'admin'] } })) },
  { name: 'sub as a number', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { sub: 1 } })) },
  { name: 'aud as an object', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { aud: { 0: AUDIENCE } } })) },
  { name: 'jti as a number', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { jti: 7 } })) },
  { name: 'scp as an object', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { scp: { 'orders:write': true } } })) },
  { name: 'scp array holding a number', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { scp: ['orders:read', 7] } })) },
  { name: 'client_id as a number', reason: 'invalid_claim', request: (w) => bearer(w.mint({ claims: { client_id: 42 } })) },

  // Scope smuggling: the backend receives the scopes joined by spaces, and the revocation endpoint
  // reads them back; a scope holding whitespace (or any character outside RFC 6749's scope-token
  // set) would come out as two, the second one never granted. Signed by the trusted key each time.
  ...[
    { what: 'an scp array element holding a space and the admin scope', claims: { scope: 'orders:read', scp: ['x admin'] } },
    { what: 'an scp array element holding a tab', claims: { scp: ['orders:read\tadmin'] } },
    { what: 'an scp array element holding a newline', claims: { scp: ['orders:read\nadmin'] } },
    { what: 'an empty scp array element', claims: { scp: ['orders:read', ''] } },
    { what: 'a scope joined by NBSP (U+00A0)', claims: { scope: 'orders:read\u00a0admin' } },
    { what: 'a scope joined by an ideographic space (U+3000)', claims: { scope: 'orders:read\u3000admin' } },
    { what: 'a scope joined by a tab', claims: { scope: 'orders:read\tadmin' } },
    { what: 'a scope joined by a line feed', claims: { scope: 'orders:read\nadmin' } },
    { what: 'a scope joined by a carriage return', claims: { scope: 'orders:read\radmin' } },
    { what: 'a scope joined by a vertical tab', claims: { scope: 'orders:read\u000badmin' } },
    { what: 'a scope joined by an en quad (U+2000)', claims: { scope: 'orders:read\u2000admin' } },
    { what: 'two spaces between scopes', claims: { scope: 'orders:read  admin' } },
    { what: 'a leading space before a scope', claims: { scope: ' orders:read' } },
    { what: 'a double quote inside a scope', claims: { scope: 'orders:read "admin"' } },
    { what: 'a backslash inside a scope', claims: { scope: 'orders:read\\admin' } },
    { what: 'a NUL inside a scope', claims: { scope: 'orders:read\u0000admin' } },
    { what: 'a non-ASCII letter inside a scope', claims: { scope: 'orders:réad' } },
    { what: 'an scp string (as Entra ID writes it) holding a tab', claims: { scp: 'orders:read\tadmin' } },
  ].map(
    ({ what, claims }): AttackCase => ({
      name: `${what}, signed by the trusted key (scope smuggling)`,
      reason: 'invalid_claim',
      request: (w) => bearer(w.mint({ claims })),
    }),
  ),
  {
    name: 'a Cognito group holding a space and the admin scope, groups taken as scopes (scope smuggling)',
    reason: 'invalid_claim',
    request: (w) =>
      bearer(
        w.mint({
          claims: { iss: POOL_ISSUER, aud: undefined, client_id: POOL_CLIENT_ID, token_use: 'access', 'cognito:groups': ['staff admin'] },
        }),
      ),
  },

  // Compact serialisation
  {
    name: 'standard-base64 characters (+ /) in a segment',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      return bearer(`${h}.${p}.+/${s.slice(2)}`);
    },
  },
  {
    name: 'base64 padding (=) on a segment',
    reason: 'malformed',
    request: (w) => {
      const [h, p, s] = parts(w.mint());
      return bearer(`${h}=.${p}.${s}`);
    },
  },
  { name: 'an extra fourth segment', reason: 'malformed', request: (w) => bearer(`${w.mint()}.${parts(w.mint())[2]}`) },
  {
    name: 'JWE compact serialisation (five segments)',
    reason: 'malformed',
    request: () =>
      bearer(
        [
          base64UrlJson({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }),
          segment(Buffer.alloc(256, 7)),
          segment(Buffer.alloc(12, 1)),
          segment('ciphertext'),
          segment(Buffer.alloc(16, 2)),
        ].join('.'),
      ),
  },
  {
    name: 'empty header segment',
    reason: 'malformed',
    request: (w) => {
      const [, p, s] = parts(w.mint());
      return bearer(`.${p}.${s}`);
    },
  },
  {
    name: 'empty payload segment',
    reason: 'malformed',
    request: (w) => {
      const [h, , s] = parts(w.mint());
      return bearer(`${h}..${s}`);
    },
  },
  { name: 'only the dots', reason: 'malformed', request: () => bearer('..') },
  {
    name: 'header that is not JSON',
    reason: 'malformed',
    request: (w) => {
      const [, p, s] = parts(w.mint());
      return bearer(`${segment('{alg:RS256}')}.${p}.${s}`);
    },
  },
  {
    name: 'header that is a JSON array',
    reason: 'malformed',
    request: (w) => {
      const [, p, s] = parts(w.mint());
      return bearer(`${segment('["RS256"]')}.${p}.${s}`);
    },
  },
  {
    name: 'duplicate scope (the last one grants admin), signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, `${JSON.stringify(w.validClaims()).slice(0, -1)},"scope":"admin"}`)),
  },
  {
    name: 'duplicate iss (untrusted first, trusted last), signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, `{"iss":"https://evil.example.com",${JSON.stringify(w.validClaims()).slice(1)}`)),
  },
  {
    name: 'duplicate exp (expired first, valid last), signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, `{"exp":1,${JSON.stringify(w.validClaims()).slice(1)}`)),
  },
  {
    name: 'duplicate sub spelt with a JSON escape (s\\u0075b), signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, `${JSON.stringify(w.validClaims()).slice(0, -1)},"s\\u0075b":"root"}`)),
  },
  {
    name: 'duplicate member inside a nested claim, signed by the trusted key',
    reason: 'malformed',
    request: (w) =>
      bearer(signedRawPayload(w, `${JSON.stringify(w.validClaims()).slice(0, -1)},"realm_access":{"roles":[],"roles":["admin"]}}`)),
  },
  {
    name: 'duplicate alg in the header ("none" first, RS256 last), signed by the trusted key',
    reason: 'malformed',
    request: (w) =>
      bearer(
        signedRawPayload(w, JSON.stringify(w.validClaims()), w.trusted.rsa, `{"alg":"none","kid":"${w.trusted.rsa.kid}","alg":"RS256"}`),
      ),
  },
  {
    name: 'payload that is not valid UTF-8, signed by the trusted key',
    reason: 'malformed',
    request: (w) =>
      bearer(
        signedRawPayload(
          w,
          Buffer.concat([Buffer.from(JSON.stringify(w.validClaims()).slice(0, -1)), Buffer.from(',"name":"\xff\xfe"}', 'latin1')]),
        ),
      ),
  },
  // An unpaired surrogate escape: invalid UTF-8's twin in JSON text (other readers map it to U+FFFD or refuse it)
  ...[
    {
      what: 'sub holding an unpaired high surrogate escape (\\ud800)',
      json: (w: SecurityFixture) => withRawMember(w, 'sub', '"alice\\ud800"'),
    },
    { what: 'jti holding an unpaired low surrogate escape (\\udc00)', json: (w: SecurityFixture) => withRawMember(w, 'jti', '"\\udc00x"') },
    {
      what: 'client_id ending in a high surrogate escape (\\ud83d, half an emoji)',
      json: (w: SecurityFixture) => withRawMember(w, 'client_id', '"app\\ud83d"'),
    },
    { what: 'a member name holding an unpaired surrogate escape', json: (w: SecurityFixture) => withRawMember(w, 'x\\udfff', '1') },
  ].map(
    ({ what, json }): AttackCase => ({
      name: `${what}, signed by the trusted key`,
      reason: 'malformed',
      request: (w) => bearer(signedRawPayload(w, json(w))),
    }),
  ),
  // Nesting: aws-jwt-verify's re-parse recurses per level and overflows near 2,600 (runtime-dependent)
  ...[65, 2600].map(
    (depth): AttackCase => ({
      name: `a claim of arrays nested ${depth.toLocaleString('en-US')} levels deep, signed by the trusted key`,
      reason: 'malformed',
      request: (w) => bearer(signedRawPayload(w, withRawMember(w, 'x', `${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`), w.trusted.ec)),
    }),
  ),
  {
    name: 'kid holding an unpaired surrogate escape in the header',
    reason: 'malformed',
    request: (w) =>
      bearer(signedRawPayload(w, JSON.stringify(w.validClaims()), w.trusted.rsa, `{"alg":"RS256","kid":"${w.trusted.rsa.kid}\\ud800"}`)),
  },
  {
    name: 'payload that is JSON null, signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, 'null')),
  },
  {
    name: 'payload with a byte-order mark, signed by the trusted key',
    reason: 'malformed',
    request: (w) => bearer(signedRawPayload(w, `\uFEFF${JSON.stringify(w.validClaims())}`)),
  },
  {
    name: 'a space inside the token',
    reason: 'invalid_authorization_header',
    request: (w) => {
      const t = w.mint();
      return { authorization: `Bearer ${t.slice(0, 30)} ${t.slice(30)}` };
    },
  },
  {
    name: 'a line break inside the token',
    reason: 'invalid_authorization_header',
    request: (w) => {
      const t = w.mint();
      return { authorization: `Bearer ${t.slice(0, 30)}\n${t.slice(30)}` };
    },
  },
  {
    name: 'a tab between Bearer and the token',
    reason: 'invalid_authorization_header',
    request: (w) => ({ authorization: `Bearer\t${w.mint()}` }),
  },

  // Size
  {
    name: 'Authorization header one character over the 8 KiB limit',
    reason: 'token_too_large',
    request: () => ({ authorization: `Bearer ${'a'.repeat(8192 - 'Bearer '.length + 1)}` }),
  },
  {
    name: 'Authorization header of 1 MiB',
    reason: 'token_too_large',
    request: () => ({ authorization: `Bearer ${'a.'.repeat(512 * 1024)}` }),
  },
  {
    name: 'JWT header padded to 9 KiB, signed by the trusted key',
    reason: 'token_too_large',
    request: (w) => bearer(w.mint({ header: { pad: 'x'.repeat(9 * 1024) } })),
  },

  // Authorization header and scheme
  { name: 'no Authorization header', reason: 'missing_token', request: () => ({}) },
  { name: 'empty Authorization header', reason: 'missing_token', request: () => ({ authorization: '' }) },
  { name: 'token without the Bearer scheme', reason: 'invalid_authorization_header', request: (w) => ({ authorization: w.mint() }) },
  { name: 'Bearer without a token', reason: 'invalid_authorization_header', request: () => ({ authorization: 'Bearer' }) },
  { name: 'Bearer doubled', reason: 'invalid_authorization_header', request: (w) => ({ authorization: `Bearer Bearer ${w.mint()}` }) },
  {
    name: 'Basic scheme',
    reason: 'invalid_authorization_header',
    request: () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }),
  },
  {
    name: 'a second scheme appended after the token (Bearer <jwt> Basic …)',
    reason: 'invalid_authorization_header',
    request: (w) => ({ authorization: `Bearer ${w.mint()} Basic ${Buffer.from('admin:admin').toString('base64')}` }),
  },
  {
    name: 'Token scheme carrying a valid token',
    reason: 'invalid_authorization_header',
    request: (w) => ({ authorization: `Token ${w.mint()}` }),
  },
  {
    name: 'Bearer spelt with a Cyrillic е',
    reason: 'invalid_authorization_header',
    request: (w) => ({ authorization: `B\u0435arer ${w.mint()}` }),
  },
  {
    name: 'two credentials joined by a comma (how HTTP APIs pass a repeated header)',
    reason: 'invalid_authorization_header',
    request: (w) => ({ authorization: `Bearer ${w.mint()},Bearer ${w.mint({ claims: { sub: 'mallory' } })}` }),
  },
  {
    name: 'Authorization header sent twice',
    reason: 'invalid_authorization_header',
    kinds: ['rest-request', 'http-v1'],
    request: (w) => ({
      authorization: `Bearer ${w.mint()}`,
      alter: (event) => {
        (event['multiValueHeaders'] as Record<string, string[]>)['Authorization'] = [
          `Bearer ${w.mint()}`,
          `Bearer ${w.mint({ claims: { sub: 'mallory' } })}`,
        ];
      },
    }),
  },
  {
    name: 'Authorization and authorization both present with different tokens',
    reason: 'invalid_authorization_header',
    kinds: ['rest-request', 'http-v1'],
    request: (w) => ({
      authorization: `Bearer ${w.mint()}`,
      alter: (event) => {
        const other = `Bearer ${w.mint({ claims: { sub: 'mallory', scope: 'admin' } })}`;
        (event['headers'] as Record<string, string>)['authorization'] = other;
        (event['multiValueHeaders'] as Record<string, string[]>)['authorization'] = [other];
      },
    }),
  },
  {
    name: 'valid token in the query string only',
    reason: 'token_in_query',
    kinds: REQUEST_KINDS,
    request: (w) => ({ options: { query: { access_token: w.mint() } } }),
  },
  {
    name: 'valid token in a cookie only (cookies are never read)',
    reason: 'missing_token',
    kinds: REQUEST_KINDS,
    request: (w) => {
      const token = w.mint();
      return {
        options: { headers: { cookie: `access_token=${token}` } },
        alter: (event) => {
          if (event['version'] === '2.0') event['cookies'] = [`access_token=${token}`];
        },
      };
    },
  },
  {
    name: 'valid token in the query string and in the header',
    reason: 'token_in_query',
    kinds: REQUEST_KINDS,
    request: (w) => ({ ...bearer(w.mint()), options: { query: { access_token: w.mint() } } }),
  },

  // Revocation
  {
    name: 'revoked jti',
    reason: 'revoked',
    request: async (w) => {
      const claims = w.validClaims();
      await w.writer.revokeToken({ issuer: w.issuer, jti: String(claims['jti']), exp: Number(claims['exp']) });
      return bearer(w.mint({ claims }));
    },
  },
  {
    name: 'revoked subject (token issued before the sign-out)',
    reason: 'revoked',
    request: async (w) => {
      await w.writer.revokeSubject({ issuer: w.issuer, sub: 'signed-out-user', before: nowSeconds() });
      return bearer(w.mint({ claims: { sub: 'signed-out-user', iat: nowSeconds() - 5 } }));
    },
  },
  {
    name: 'revoked sign-in session (origin_jti)',
    reason: 'revoked',
    request: async (w) => {
      await w.writer.revokeSession({ issuer: w.issuer, originJti: 'session-of-stolen-device' });
      return bearer(w.mint({ claims: { origin_jti: 'session-of-stolen-device' } }));
    },
  },
  {
    // The subject was signed out two days ago; DynamoDB's TTL deleted the row one day (the horizon)
    // later, so no row is left to refuse it: its age must.
    name: '7-day token of a subject signed out 2 days ago, after TTL deleted the revocation row (older than the revocation horizon)',
    reason: 'token_too_old',
    request: (w) =>
      bearer(w.mint({ claims: { sub: 'signed-out-long-ago', iat: nowSeconds() - 2 * 86_400, exp: nowSeconds() + 5 * 86_400 } })),
  },

  // Scope and API scoping
  {
    name: 'valid token calling a route its scopes do not grant',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint()), options: { method: 'DELETE', path: '/orders/1' } }),
  },
  {
    name: 'valid token calling POST /* (an IAM wildcard in the path) it is not granted, without its Deny covering granted routes',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'POST', path: '/*' } }),
  },
  // Path parameters: {id} is one segment, whatever the policy's IAM globs could say
  {
    name: 'PUT /orders/{id} grant used for PUT /orders/1/secrets (a deeper path)',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'PUT', path: '/orders/1/secrets' } }),
  },
  {
    name: 'DELETE /orders/{id} grant used for DELETE /orders/1/2',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'DELETE', path: '/orders/1/2' } }),
  },
  {
    name: 'PUT /orders/{id} grant used for PUT /orders/ (an empty segment)',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'PUT', path: '/orders/' } }),
  },
  {
    name: 'PUT /orders/{id} grant used for PUT /orders//1 (an empty segment, then one)',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'PUT', path: '/orders//1' } }),
  },
  {
    name: 'ANY /admin/{proxy+} grant used for GET /admin/ (nothing for {proxy+})',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'admin' } })), options: { method: 'GET', path: '/admin/' } }),
  },
  {
    name: 'PUT /orders/{id} grant used for PUT /orders/* (an id an IAM policy cached per token cannot name)',
    reason: 'insufficient_scope',
    kinds: ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam'],
    request: (w) => ({ ...bearer(w.mint({ claims: { scope: 'orders:write' } })), options: { method: 'PUT', path: '/orders/*' } }),
  },

  // Responses inside API Gateway's limits (no Resource over 512 characters, no ARN over 1,600 bytes)
  {
    name: 'a 600-character path the scopes do not grant (its Deny would be a 675-character Resource)',
    reason: 'insufficient_scope',
    request: (w) => ({ ...bearer(w.mint()), options: { method: 'POST', path: `/orders/${'x'.repeat(592)}` } }),
  },
  {
    name: 'a 600-character id under PUT /orders/{id} (granted, but no Resource of a policy cached per token can name it)',
    reason: 'insufficient_scope',
    kinds: ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam'],
    request: (w) => ({
      ...bearer(w.mint({ claims: { scope: 'orders:write' } })),
      options: { method: 'PUT', path: `/orders/${'x'.repeat(592)}` },
    }),
  },
  {
    name: 'another token pasted into the path of a route the scopes do not grant (the decision log redacts it)',
    reason: 'insufficient_scope',
    request: (w) => ({
      ...bearer(w.mint()),
      options: { method: 'POST', path: `/orders/${w.mint({ key: w.trusted.ec, claims: { sub: 'bob' } })}` },
    }),
  },
  {
    name: 'an event whose ARN passes 1,600 bytes (API Gateway answers 414 before any authorizer)',
    reason: 'unsupported_event',
    request: (w) => ({ ...bearer(w.mint()), options: { method: 'GET', path: `/orders/${'é'.repeat(800)}` } }),
  },
  {
    name: 'valid token whose scopes are unknown to the configuration',
    reason: 'insufficient_scope',
    request: (w) => bearer(w.mint({ claims: { scope: 'superuser root *' } })),
  },
  {
    name: 'event whose ARN names every stage (*): an Allow would cover them all',
    reason: 'unsupported_event',
    request: (w) => ({
      ...bearer(w.mint()),
      alter: (event) => {
        event[event['routeArn'] ? 'routeArn' : 'methodArn'] = String(event['routeArn'] ?? event['methodArn']).replace('/prod/', '/*/');
      },
    }),
  },
  {
    name: "an emulator's 470-character API id: no Resource under its stage could be named in 512 characters",
    reason: 'unsupported_event',
    request: (w) => ({
      ...bearer(w.mint()),
      alter: (event) => {
        event[event['routeArn'] ? 'routeArn' : 'methodArn'] = String(event['routeArn'] ?? event['methodArn']).replace(
          ':a1b2c3d4e5/',
          `:${'a'.repeat(470)}/`,
        );
      },
    }),
  },
  {
    name: 'event whose ARN stage carries an IAM ? wildcard',
    reason: 'unsupported_event',
    request: (w) => ({
      ...bearer(w.mint()),
      alter: (event) => {
        event[event['routeArn'] ? 'routeArn' : 'methodArn'] = String(event['routeArn'] ?? event['methodArn']).replace('/prod/', '/pro?/');
      },
    }),
  },
  {
    name: 'event whose ARN is not an execute-api ARN',
    reason: 'unsupported_event',
    request: (w) => ({
      ...bearer(w.mint()),
      alter: (event) => {
        event[event['routeArn'] ? 'routeArn' : 'methodArn'] = 'arn:aws:lambda:eu-west-1:123456789012:function:x';
      },
    }),
  },
];

let world: SecurityFixture;
/** A real key of the issuer, published after the set's 50th key: past the number the key policy judges. */
let lateKey: SigningKey;
const authorizers = {} as Record<'iam' | 'simple', { authorizer: Authorizer; logs: LogCapture }>;
/** Row name → kinds it ran on, and how many of them denied with the expected reason. */
const results = new Map<string, { kinds: readonly EventKindName[]; denied: number }>();

beforeAll(async () => {
  world = await startSecurityFixture();
  const published = [...world.base.jwks.keys, ...FORGEABLE.map((key) => key.jwk)];
  // Padded with P-256 keys to the key policy's limit, so the next key is one too many.
  const padding = Array.from({ length: VERIFICATION_SETTINGS.maxJwksKeys - published.length }, (_, index) => ({
    ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Record<string, string>),
    kid: `padding-${index}`,
    alg: 'ES256',
    use: 'sig',
  }));
  lateKey = signingKey(await generateTestKey('ES256', { kid: 'published-51st' }));
  world.base.jwks.keys = [...published, ...padding, lateKey.publicJwk];
  for (const mode of ['iam', 'simple'] as const) {
    const logs = new LogCapture();
    authorizers[mode] = { authorizer: world.authorizer({ simple: mode === 'simple', deps: { logger: logs } }), logs };
  }
});

afterAll(async () => {
  await world.close();
});

describe('attack catalogue', () => {
  it.each(ATTACKS)('denies $name with reason $reason', async ({ name, reason, kinds = EVENT_KINDS, request: build }) => {
    // Prepare
    const request = await build(world);
    let denied = 0;
    for (const kind of kinds) {
      const { authorizer, logs } = authorizers[kind === 'http-v2-simple' ? 'simple' : 'iam'];
      logs.clear();
      const event = buildEvent(kind, { ...request.options, authorization: request.authorization });
      request.alter?.(event, kind);
      // Act
      const observation = await observe(authorizer.handler, kind, event);
      // Assert
      expect(observation, `${kind}: ${JSON.stringify(observation).slice(0, 2000)}`).toMatchObject({
        outcome: 'deny',
        shape: expectedDenyShape(kind, reason, request.options?.path, request.options?.method),
      });
      expect(logs.decisions, kind).toHaveLength(1);
      expect(logs.lastDecision, kind).toMatchObject({ decision: 'deny', reason });
      const credential = request.authorization?.split(/\s+/).at(-1) ?? '';
      if (credential.length >= 16) expect(logs.text, `${kind}: the log contains the credential`).not.toContain(credential);
      for (const pathToken of request.options?.path?.match(COMPACT_JOSE_RUN) ?? [])
        expect(logs.text, `${kind}: the log contains the token in the path`).not.toContain(pathToken.split('.')[1]);
      denied++;
    }
    results.set(name, { kinds, denied });
  });

  it.each([
    { alg: 'ES256', key: (w: SecurityFixture) => w.trusted.ec },
    { alg: 'ES384', key: (w: SecurityFixture) => w.trustedEcdsa.es384 },
    { alg: 'ES512', key: (w: SecurityFixture) => w.trustedEcdsa.es512 },
  ])('treats an $alg token and its (r, n − s) twin as one token on every event kind', async ({ key }) => {
    for (const kind of EVENT_KINDS) {
      // Prepare: the original verified and remembered
      const { authorizer, logs } = authorizers[kind === 'http-v2-simple' ? 'simple' : 'iam'];
      const token = world.mint({ key: key(world), claims: { sub: 'twin-owner' } });
      const original = await observe(authorizer.handler, kind, buildEvent(kind, { authorization: `Bearer ${token}` }));
      logs.clear();
      // Act
      const other = await observe(authorizer.handler, kind, buildEvent(kind, { authorization: `Bearer ${twin(token)}` }));
      // Assert: allowed as the same token, from the same cache entry
      expect(original, kind).toMatchObject({ outcome: 'allow' });
      expect(other, kind).toMatchObject({ outcome: 'allow' });
      expect(logs.lastDecision, kind).toMatchObject({ decision: 'allow', sub: 'twin-owner', tokenCacheHit: true });
      if (original.outcome === 'allow' && other.outcome === 'allow') expect(other.context, kind).toEqual(original.context);
    }
  });

  it('allows a {id} route without its policy allowing any deeper path or other id, and a 600-character path within the limits', async () => {
    const stageArn = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';
    for (const kind of ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam'] as const) {
      // Act
      const writer = await observe(
        authorizers.iam.authorizer.handler,
        kind,
        buildEvent(kind, {
          authorization: `Bearer ${world.mint({ claims: { scope: 'orders:write' } })}`,
          method: 'PUT',
          path: '/orders/1',
        }),
      );
      const admin = await observe(
        authorizers.iam.authorizer.handler,
        kind,
        buildEvent(kind, {
          authorization: `Bearer ${world.mint({ claims: { scope: 'admin' } })}`,
          method: 'DELETE',
          path: `/admin/${'x'.repeat(600)}`,
        }),
      );
      // Assert: the cached policy (keyed by the token here) replays no deeper path, no other id
      expect(writer, kind).toMatchObject({ outcome: 'allow' });
      const policy = (writer as { response: { policyDocument: PolicyDocument } }).response.policyDocument;
      expect(policyAllows(policy, `${stageArn}/PUT/orders/1`), kind).toBe(true);
      expect(policyAllows(policy, `${stageArn}/PUT/orders/1/secrets`), kind).toBe(false);
      expect(policyAllows(policy, `${stageArn}/PUT/orders/2`), kind).toBe(false);
      expect(policyAllows(policy, `${stageArn}/POST/orders`), kind).toBe(true);
      // A long path an exact pattern (ANY /admin/{proxy+}) grants is allowed by its short glob.
      expect(admin, kind).toMatchObject({ outcome: 'allow' });
    }
  });

  it('never contacts a URL named in a token header (jku, x5u, kid)', () => {
    expect(world.attackerJwks.hits).toBe(0);
  });

  it("scopes a valid token's policy to the invoked API id and stage only", async () => {
    // A token is not bound to an API unless its aud says so: the same token on another API id or
    // stage behind the same authorizer is valid, and its policy must name only that API and stage.
    const token = world.mint();
    for (const target of [
      { apiId: 'zzzz9999yy', stage: 'prod' },
      { apiId: 'a1b2c3d4e5', stage: 'dev' },
    ]) {
      for (const kind of ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam'] as const) {
        const observation = await observe(
          authorizers.iam.authorizer.handler,
          kind,
          buildEvent(kind, { authorization: `Bearer ${token}`, ...target }),
        );
        expect(observation.outcome).toBe('allow');
        const resources = JSON.stringify((observation as { response: { policyDocument: unknown } }).response.policyDocument);
        const stageArns = [...resources.matchAll(/arn:aws:execute-api:[^/"]+\/[^/"]+/g)].map((match) => match[0]);
        expect(new Set(stageArns)).toEqual(new Set([`arn:aws:execute-api:eu-west-1:123456789012:${target.apiId}/${target.stage}`]));
      }
    }
  });

  it.skipIf(REPORT_MODE)("SECURITY.md shows this run's catalogue results", () => {
    expect(staleness(catalogueSection())).toBeUndefined();
  });

  it.runIf(REPORT_MODE)("saves this run's catalogue results for SECURITY.md", () => {
    saveSection(catalogueSection());
  });
});

const KIND_LABELS: Record<EventKindName, string> = {
  'rest-token': 'RT',
  'rest-request': 'RR',
  'http-v1': 'H1',
  'http-v2-iam': 'H2',
  'http-v2-simple': 'H2s',
};

function catalogueSection(): SectionResult {
  const rows = ATTACKS.map((attack, index) => {
    const result = results.get(attack.name);
    const kinds = attack.kinds ?? EVENT_KINDS;
    const outcome =
      result && result.denied === kinds.length
        ? `denied ${result.denied}/${kinds.length}`
        : `FAILED (${result?.denied ?? 0}/${kinds.length} denied as expected)`;
    return [
      String(index + 1),
      attack.name,
      kinds.length === EVENT_KINDS.length ? 'all' : kinds.map((kind) => KIND_LABELS[kind]).join(' '),
      `\`${attack.reason}\``,
      outcome,
    ];
  });
  const invocations = ATTACKS.reduce((sum, attack) => sum + (attack.kinds ?? EVENT_KINDS).length, 0);
  return {
    id: 'catalogue',
    columns: ['#', 'Attack', 'Event kinds', 'Expected reason', 'Result'],
    rows,
    measured: [
      `${ATTACKS.length} cases, ${invocations} invocations of the real handler; attacker's JWKS server hits: ${world.attackerJwks.hits}`,
    ],
  };
}
