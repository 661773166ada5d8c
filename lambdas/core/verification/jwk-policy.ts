/**
 * Decides which keys of a fetched JWKS may ever verify a token.
 *
 * aws-jwt-verify 5.2.1 trusts any RSA key it can import, including 1024-bit moduli and a public
 * exponent of 1 — with e = 1 "signature verification" is the identity function, so anyone can
 * forge a token for that key without a private key. It also lets a broken EC key surface later as
 * a `TypeError` mid-verification. This policy runs once per fetched JWKS, drops every key that
 * fails it (the rest of the set stays usable), and reports why, so a bad key is a logged event at
 * fetch time instead of a forged token at request time.
 *
 * It also says which algorithms a key can verify ({@link algorithmFitsKey}): aws-jwt-verify only
 * compares the token's `alg` with the key's when the JWK names one, and many issuers publish keys
 * without `alg`.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { isJwk, type Jwk, type Jwks } from 'aws-jwt-verify/jwk';
import { isRecord } from '../guards';

export interface KeyPolicyOptions {
  /** Algorithms tokens may use; a key that names another `alg` is useless and dropped. */
  readonly algorithms: readonly string[];
  /** Smallest accepted RSA modulus. */
  readonly minRsaModulusBits: number;
}

export interface RejectedKey {
  readonly kid: string | undefined;
  readonly reason: string;
}

export interface KeyPolicyResult {
  readonly jwks: Jwks;
  readonly rejected: readonly RejectedKey[];
}

const EC_CURVES = ['P-256', 'P-384', 'P-521'];
const OKP_CURVES = ['Ed25519', 'Ed448'];
const RSA_EXPONENT_65537 = Buffer.from([0x01, 0x00, 0x01]);

/** A JWKS whose entries have not been checked yet: one malformed entry must not sink the rest. */
export interface UncheckedJwks {
  readonly keys: readonly unknown[];
}

/** Splits a JWKS into the keys that may verify tokens and the ones that may not (with reasons). */
export function applyKeyPolicy(jwks: UncheckedJwks | Jwks, options: KeyPolicyOptions): KeyPolicyResult {
  const keys: Jwk[] = [];
  const rejected: RejectedKey[] = [];
  for (const jwk of jwks.keys) {
    if (!isJwk(jwk as Parameters<typeof isJwk>[0])) {
      const kid = isRecord(jwk) && typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined;
      rejected.push({ kid, reason: 'not a well-formed JWK (a standard field has the wrong type)' });
      continue;
    }
    const reason = rejectionReason(jwk as Jwk, options);
    if (reason) rejected.push({ kid: typeof (jwk as Jwk).kid === 'string' ? (jwk as Jwk).kid : undefined, reason });
    else keys.push(jwk as Jwk);
  }
  return { jwks: { ...jwks, keys }, rejected };
}

/** Why this key must not be trusted, or `undefined` when it may be. */
export function rejectionReason(jwk: Jwk, options: KeyPolicyOptions): string | undefined {
  if (typeof jwk.kid !== 'string' || jwk.kid === '') return 'no kid, so no token can select it';
  if (jwk.use !== undefined && jwk.use !== 'sig') return `use is "${jwk.use}", not "sig"`;
  const keyOps = jwk['key_ops'];
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return 'key_ops does not include "verify"';
  if (jwk.alg !== undefined && !options.algorithms.includes(jwk.alg)) return `alg "${jwk.alg}" is not an allowed algorithm`;
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'contains private or symmetric key material';

  switch (jwk.kty) {
    case 'RSA': {
      const modulusBits = unsignedBitLength(decodeBase64Url(jwk.n));
      if (modulusBits < options.minRsaModulusBits) return `RSA modulus of ${modulusBits} bits is below ${options.minRsaModulusBits}`;
      if (!stripLeadingZeros(decodeBase64Url(jwk.e)).equals(RSA_EXPONENT_65537)) return 'RSA public exponent is not 65537';
      break;
    }
    case 'EC':
      if (!EC_CURVES.includes(jwk.crv ?? '')) return `EC curve "${jwk.crv}" is not supported`;
      break;
    case 'OKP':
      if (!OKP_CURVES.includes(jwk.crv ?? '')) return `OKP curve "${jwk.crv}" is not supported`;
      break;
    default:
      return `key type "${jwk.kty}" cannot verify signatures`;
  }
  // Importing validates the encoding and, for EC, that the point is on the curve.
  try {
    createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return 'not an importable public key';
  }
  return undefined;
}

function decodeBase64Url(value: unknown): Buffer {
  return typeof value === 'string' && /^[A-Za-z0-9_-]*$/.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
}

function stripLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function unsignedBitLength(bytes: Buffer): number {
  const significant = stripLeadingZeros(bytes);
  const first = significant[0];
  if (first === undefined) return 0;
  return (significant.length - 1) * 8 + (32 - Math.clz32(first));
}

/** The curve each ECDSA algorithm is defined on (RFC 7518 §3.4). */
const ECDSA_CURVES: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/**
 * True when a token signed with `alg` can have been signed by this key's type and curve. Without
 * this, a key published without `alg` lets the header lie: Node verifies with whatever the key
 * is, so an ES256 signature labelled RS256 verified (past an RS256-only allow-list), and an RS256
 * header naming an Ed25519 or EC key made Node throw — a `verification_failed` warning any
 * client could raise knowing only a public kid.
 */
export function algorithmFitsKey(alg: unknown, jwk: Jwk): boolean {
  if (typeof alg !== 'string') return false;
  if (/^RS(256|384|512)$/.test(alg)) return jwk.kty === 'RSA';
  const curve = ECDSA_CURVES[alg];
  if (curve !== undefined) return jwk.kty === 'EC' && jwk.crv === curve;
  if (alg === 'EdDSA') return jwk.kty === 'OKP' && OKP_CURVES.includes(jwk.crv ?? '');
  return false;
}
