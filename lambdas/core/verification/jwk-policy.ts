/**
 * Decides which keys of a fetched JWKS may ever verify a token.
 *
 * aws-jwt-verify 5.2.1 trusts any key Node can import: 1024-bit RSA moduli, a public exponent of
 * 1 (then "signature verification" is the identity function), and — through Node — RSA moduli
 * anyone can factor and Ed25519/Ed448 points of small order, with which anyone can forge a token
 * without a private key ({@link rsaModulusWeakness}, {@link eddsaKeyWeakness}). It also lets a
 * broken EC key surface later as a `TypeError` mid-verification. This policy runs on every fetched
 * JWKS, drops every key that fails it (the rest of the set stays usable), and reports why, so a
 * bad key is a logged event at fetch time instead of a forged token at request time; a token
 * naming a dropped key is `unknown_key`.
 *
 * The RSA modulus checks cost milliseconds per key (a Miller–Rabin test above all), so a
 * {@link KeyPolicy} remembers each modulus's verdict: a refetch of an unchanged set costs nothing,
 * and the cost is paid once per key and execution environment, never per request.
 *
 * It also says which algorithms a key can verify ({@link algorithmFitsKey}): aws-jwt-verify only
 * compares the token's `alg` with the key's when the JWK names one, and many issuers publish keys
 * without `alg`.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { isJwk, type Jwk, type Jwks } from 'aws-jwt-verify/jwk';
import { VERIFICATION_SETTINGS } from '../config/defaults';
import { isRecord } from '../guards';
import { LruCache } from '../lru-cache';
import { eddsaKeyWeakness } from './eddsa-public-key';
import { moduliSharingAPrime, rsaModulusWeakness } from './rsa-modulus';

export interface KeyPolicyOptions {
  /** Algorithms tokens may use; a key that names another `alg` is useless and dropped. */
  readonly algorithms: readonly string[];
  /** Smallest accepted RSA modulus. */
  readonly minRsaModulusBits: number;
  /** Largest accepted RSA modulus: bounds the cost of every signature check and of the modulus checks. */
  readonly maxRsaModulusBits: number;
  /**
   * Entries of a set that are judged at all; the rest are dropped unjudged, so the policy's work
   * per fetch is bounded by a count, not only by the response's bytes. Default:
   * `VERIFICATION_SETTINGS.maxJwksKeys`.
   */
  readonly maxKeys?: number;
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
const RSA_EXPONENT = 65537n;

/** Distinct RSA moduli whose verdicts a policy remembers: a few issuers' sets (each at most `maxKeys`) and their rotations. */
const REMEMBERED_MODULI = 256;
/** Distinct sets of RSA moduli whose shared-prime verdicts a policy remembers. */
const REMEMBERED_SETS = 16;

/** A JWKS whose entries have not been checked yet: one malformed entry must not sink the rest. */
export interface UncheckedJwks {
  readonly keys: readonly unknown[];
}

/** The key policy of one JWKS cache: {@link apply} on every fetched set, verdicts remembered per modulus. */
export class KeyPolicy {
  private readonly modulusVerdicts = new LruCache<string, string | null>(REMEMBERED_MODULI);
  private readonly sharingVerdicts = new LruCache<string, ReadonlySet<bigint>>(REMEMBERED_SETS);

  /** `modulusWeakness` judges a modulus: {@link rsaModulusWeakness} unless a test counts the calls. */
  constructor(
    private readonly options: KeyPolicyOptions,
    private readonly modulusWeakness: (n: bigint, e: bigint) => string | undefined = rsaModulusWeakness,
  ) {}

  /** Splits a JWKS into the keys that may verify tokens and the ones that may not (with reasons). */
  apply(jwks: UncheckedJwks | Jwks): KeyPolicyResult {
    const candidates: Jwk[] = [];
    const rejected: RejectedKey[] = [];
    // The modulus checks cost milliseconds per RSA key, synchronously: without a count, a set of a
    // few hundred keys (well within the byte cap) blocked the instance for seconds on every fetch
    // that changed it. The surplus is one rejection, not one per entry: the log line stays small.
    const maxKeys = this.options.maxKeys ?? VERIFICATION_SETTINGS.maxJwksKeys;
    if (jwks.keys.length > maxKeys) {
      rejected.push({
        kid: undefined,
        reason: `${jwks.keys.length - maxKeys} keys after the first ${maxKeys} of the set, unjudged (the key policy judges at most ${maxKeys} per set)`,
      });
    }
    for (const jwk of jwks.keys.length > maxKeys ? jwks.keys.slice(0, maxKeys) : jwks.keys) {
      if (!isJwk(jwk as Parameters<typeof isJwk>[0])) {
        const kid = isRecord(jwk) && typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined;
        rejected.push({ kid, reason: 'not a well-formed JWK (a standard field has the wrong type)' });
        continue;
      }
      const reason = rejectionReason(jwk as Jwk, this.options, (rsaJwk) => this.rememberedWeakness(rsaJwk));
      if (reason) rejected.push({ kid: kidOf(jwk as Jwk), reason });
      else candidates.push(jwk as Jwk);
    }
    // Two keys of one set sharing a prime give both away (one gcd): a set-level check, on the keys left.
    const sharing = this.moduliSharingAPrime(candidates.filter((jwk) => jwk.kty === 'RSA').map((jwk) => modulusOf(jwk)));
    const keys: Jwk[] = [];
    for (const jwk of candidates) {
      if (jwk.kty === 'RSA' && sharing.has(modulusOf(jwk)))
        rejected.push({ kid: kidOf(jwk), reason: 'RSA modulus shares a prime factor with another key of the set' });
      else keys.push(jwk);
    }
    return { jwks: { ...jwks, keys }, rejected };
  }

  private moduliSharingAPrime(moduli: readonly bigint[]): ReadonlySet<bigint> {
    if (moduli.length < 2) return new Set();
    const memoKey = moduli
      .map((n) => n.toString(16))
      .sort()
      .join(',');
    let sharing = this.sharingVerdicts.get(memoKey);
    if (sharing === undefined) {
      sharing = moduliSharingAPrime(moduli);
      this.sharingVerdicts.set(memoKey, sharing);
    }
    return sharing;
  }

  /** Keyed on the JWK's own text of `n` (its `e` is 65537 by now), so a remembered key costs a lookup. */
  private rememberedWeakness(jwk: Jwk): string | undefined {
    const memoKey = String(jwk.n);
    let weakness = this.modulusVerdicts.get(memoKey);
    if (weakness === undefined) {
      weakness = this.modulusWeakness(modulusOf(jwk), RSA_EXPONENT) ?? null;
      this.modulusVerdicts.set(memoKey, weakness);
    }
    return weakness ?? undefined;
  }
}

/** Splits a JWKS into the keys that may verify tokens and the ones that may not, with a fresh {@link KeyPolicy}. */
export function applyKeyPolicy(jwks: UncheckedJwks | Jwks, options: KeyPolicyOptions): KeyPolicyResult {
  return new KeyPolicy(options).apply(jwks);
}

/**
 * Why this key must not be trusted, or `undefined` when it may be. `judgeModulus` judges the
 * modulus of an RSA key whose size and exponent passed ({@link KeyPolicy} passes one that
 * remembers its verdicts).
 */
export function rejectionReason(
  jwk: Jwk,
  options: KeyPolicyOptions,
  judgeModulus: (rsaJwk: Jwk) => string | undefined = (rsaJwk) => rsaModulusWeakness(modulusOf(rsaJwk), RSA_EXPONENT),
): string | undefined {
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
      if (modulusBits > options.maxRsaModulusBits) return `RSA modulus of ${modulusBits} bits is above ${options.maxRsaModulusBits}`;
      const exponent = unsignedInteger(decodeBase64Url(jwk.e));
      if (exponent !== RSA_EXPONENT) return 'RSA public exponent is not 65537';
      const weakness = judgeModulus(jwk);
      if (weakness !== undefined) return weakness;
      break;
    }
    case 'EC':
      if (!EC_CURVES.includes(jwk.crv ?? '')) return `EC curve "${jwk.crv}" is not supported`;
      break;
    case 'OKP': {
      const crv = jwk.crv;
      if (crv !== 'Ed25519' && crv !== 'Ed448') return `OKP curve "${crv}" is not supported`;
      const weakness = eddsaKeyWeakness(crv, decodeBase64Url(jwk.x));
      if (weakness !== undefined) return weakness;
      break;
    }
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

function kidOf(jwk: Jwk): string | undefined {
  return typeof jwk.kid === 'string' ? jwk.kid : undefined;
}

function modulusOf(jwk: Jwk): bigint {
  return unsignedInteger(decodeBase64Url(jwk.n));
}

function unsignedInteger(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
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
