/**
 * The verifiers the benchmark compares, all checking the same things on the same tokens:
 *
 * - **the limit**: what any JWT verifier must at least do — base64url-decode and parse header and
 *   payload, `crypto.verify` with a pre-imported `KeyObject`, check `iss`, `aud` and `exp`.
 *   Nothing can be faster and still correct, so every other row is a ratio to it;
 * - **aws-jwt-verify** `verifySync` with the JWKS already cached (Tollbooth's own library);
 * - **jose** `jwtVerify` with a local JWKS (`createLocalJWKSet`);
 * - **jsonwebtoken** `verify` with a PEM key, the pattern of the widely copied sample authorizers
 *   (it has no EdDSA support).
 *
 * Before anything is timed, {@link proveVerifier} shows that each one accepts a good token and
 * refuses a tampered, an expired, a wrong-audience and a wrong-issuer one: a fast verifier that
 * checks less would be a meaningless row.
 */
import { verify as cryptoVerify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { Jwks, JwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { BENCH_AUDIENCE, type BadTokens, type BenchAlgorithm, type BenchKey } from './fixtures';

/** A verifier under test: resolves (or returns) on a valid token, throws or rejects otherwise. */
export interface VerifierContender {
  readonly name: string;
  readonly verify: (token: string) => unknown;
  readonly async: boolean;
}

const DIGEST: Record<BenchAlgorithm, string | null> = { RS256: 'sha256', ES256: 'sha256', EdDSA: null };

/** The limit for one algorithm: the least work a correct verifier can do. */
export function limitVerifier(key: BenchKey, issuer: string, audience = BENCH_AUDIENCE): VerifierContender {
  const digest = DIGEST[key.alg];
  // JWS (RFC 7518 §3.4) carries ECDSA signatures as r || s, not DER.
  const keyInput: KeyObject | VerifyKeyObjectInput =
    key.alg === 'ES256' ? { key: key.publicKey, dsaEncoding: 'ieee-p1363' } : key.publicKey;
  const verify = (token: string): Record<string, unknown> => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 1 || second < 0) throw new Error('not a JWS');
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header['alg'] !== key.alg) throw new Error('wrong algorithm');
    if (!cryptoVerify(digest, Buffer.from(token.slice(0, second)), keyInput, Buffer.from(token.slice(second + 1), 'base64url'))) {
      throw new Error('bad signature');
    }
    if (payload['iss'] !== issuer) throw new Error('wrong issuer');
    const aud = payload['aud'];
    if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) throw new Error('wrong audience');
    const exp = payload['exp'];
    if (typeof exp !== 'number' || exp <= Date.now() / 1000) throw new Error('expired');
    return payload;
  };
  return { name: 'the limit', verify, async: false };
}

/**
 * aws-jwt-verify, `verifySync` with the JWKS (fetched over HTTP beforehand) cached.
 *
 * `jwksCache`: in a process that also runs Tollbooth, pass Tollbooth's cache class, so the
 * library's call sites see one cache class as they would in the deployed authorizer (with two,
 * V8 deoptimises them and the library measured ~40 % slower for everyone in the process).
 */
export function awsJwtVerifyContender(jwks: { keys: JWK[] }, jwksUri: string, issuer: string, jwksCache?: JwksCache): VerifierContender {
  const verifier = JwtVerifier.create({ issuer, audience: BENCH_AUDIENCE, jwksUri }, jwksCache ? { jwksCache } : undefined);
  verifier.cacheJwks(jwks as unknown as Jwks);
  return { name: 'aws-jwt-verify verifySync', verify: (token) => verifier.verifySync(token), async: false };
}

/** jose `jwtVerify` with a local JWKS. */
export function joseContender(jwks: { keys: JWK[] }, issuer: string, alg: BenchAlgorithm): VerifierContender {
  const keySet = createLocalJWKSet(jwks);
  return {
    name: 'jose jwtVerify (local JWKS)',
    verify: (token) => jwtVerify(token, keySet, { issuer, audience: BENCH_AUDIENCE, algorithms: [alg] }),
    async: true,
  };
}

/** jsonwebtoken with a PEM key; `undefined` for EdDSA, which it does not support. */
export function jsonwebtokenContender(key: BenchKey, issuer: string): VerifierContender | undefined {
  if (key.alg === 'EdDSA') return undefined;
  const algorithms: jsonwebtoken.Algorithm[] = [key.alg];
  return {
    name: 'jsonwebtoken + PEM',
    verify: (token) => jsonwebtoken.verify(token, key.publicPem, { algorithms, issuer, audience: BENCH_AUDIENCE }),
    async: false,
  };
}

/** Throws unless the verifier accepts `good` and refuses every bad token. */
export async function proveVerifier(contender: VerifierContender, good: string, bad: BadTokens): Promise<void> {
  try {
    await contender.verify(good);
  } catch (error) {
    throw new Error(`${contender.name} refused a good token: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const [kind, token] of Object.entries(bad)) {
    let accepted = true;
    try {
      await contender.verify(token);
    } catch {
      accepted = false;
    }
    if (accepted) throw new Error(`${contender.name} accepted a ${kind} token: it cannot be benchmarked as a verifier`);
  }
}
