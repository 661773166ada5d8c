/**
 * The benchmark's fixtures: one RSA-2048, one P-256 and one Ed25519 key generated at start (no
 * key material is checked in), pools of distinct tokens signed with `node:crypto`, the four kinds
 * of bad token every contender must refuse, and a JWKS served over HTTP on 127.0.0.1.
 *
 * Tokens are signed here rather than with `jose` because a pool has thousands of them and
 * `node:crypto` is the fastest signer; the bytes are standard JWS either way.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { startJwksServer, type JwksServer } from '../../helpers/jwks-server';
import { base64UrlJson, signRaw } from '../../helpers/tokens';

export const BENCH_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number];

export const BENCH_AUDIENCE = 'https://api.tollbooth.bench';
export const BENCH_SCOPE = 'orders:read';

export interface BenchKey {
  readonly alg: BenchAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Pre-imported public key: what "the limit" verifies with. */
  readonly publicKey: KeyObject;
  /** The public key as an issuer publishes it in its JWKS. */
  readonly publicJwk: JWK;
  /** SPKI PEM, the form jsonwebtoken samples use. */
  readonly publicPem: string;
}

/** Generates one key per benchmark algorithm. */
export function generateBenchKeys(): Record<BenchAlgorithm, BenchKey> {
  const make = (alg: BenchAlgorithm, pair: { privateKey: KeyObject; publicKey: KeyObject }): BenchKey => {
    const kid = `bench-${alg.toLowerCase()}`;
    return {
      alg,
      kid,
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      publicJwk: { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' },
      publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  };
  return {
    RS256: make('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })),
    ES256: make('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
    EdDSA: make('EdDSA', generateKeyPairSync('ed25519')),
  };
}

export interface TokenOptions {
  readonly issuer: string;
  readonly audience?: string;
  readonly subject?: string;
  readonly scope?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresInSeconds?: number;
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** One signed token with the claims an access token carries (`sub`, `jti`, `iat`, `exp`, `scope`). */
export function signToken(key: BenchKey, options: TokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: options.issuer,
    aud: options.audience ?? BENCH_AUDIENCE,
    sub: options.subject ?? 'bench-user',
    jti: randomUUID(),
    iat: now,
    exp: now + (options.expiresInSeconds ?? 3600),
    scope: options.scope ?? BENCH_SCOPE,
    ...options.claims,
  };
  return signRaw({ alg: key.alg, kid: key.kid, typ: 'JWT' }, payload, key.privateKey);
}

/**
 * `count` distinct tokens (each its own `jti`), spread over `subjects` subjects (default: one
 * subject per token), so caches keyed by token or by subject see distinct keys.
 */
export function tokenPool(key: BenchKey, count: number, options: TokenOptions & { readonly subjects?: number }): string[] {
  const subjects = options.subjects ?? count;
  return Array.from({ length: count }, (_, index) =>
    signToken(key, { ...options, subject: `${options.subject ?? 'bench-user'}-${index % subjects}` }),
  );
}

/** The four bad tokens every contender must refuse before it is timed. */
export interface BadTokens {
  /** A good token whose payload was changed after signing (`sub` swapped). */
  readonly tampered: string;
  readonly expired: string;
  readonly wrongAudience: string;
  readonly wrongIssuer: string;
}

export function badTokens(key: BenchKey, issuer: string): BadTokens {
  const good = signToken(key, { issuer });
  const [header, payload, signature] = good.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  return {
    tampered: `${header}.${base64UrlJson({ ...claims, sub: 'someone-else' })}.${signature}`,
    // Well past any clock-skew tolerance (Tollbooth allows 30 s by default).
    expired: signToken(key, { issuer, expiresInSeconds: -3600 }),
    wrongAudience: signToken(key, { issuer, audience: 'https://another-api.example' }),
    wrongIssuer: signToken(key, { issuer: 'https://another-issuer.example' }),
  };
}

/** A JWKS with every benchmark key, served over HTTP on 127.0.0.1. */
export async function startBenchJwks(keys: Record<BenchAlgorithm, BenchKey>): Promise<JwksServer> {
  return startJwksServer(BENCH_ALGORITHMS.map((alg) => keys[alg].publicJwk));
}

/** The issuer URL tokens carry: on the JWKS server's origin, like a real issuer's discovery layout. */
export function benchIssuer(jwks: JwksServer): string {
  return `${jwks.origin}/issuer`;
}

/** Fetches the JWKS document over HTTP, as a peer library would have done before caching it. */
export async function fetchJwks(jwks: JwksServer): Promise<{ keys: JWK[] }> {
  const response = await fetch(jwks.url);
  if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
  return (await response.json()) as { keys: JWK[] };
}
