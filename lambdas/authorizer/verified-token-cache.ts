/**
 * Remembers tokens whose signature and claims already verified, keyed on the exact token string,
 * so a client reusing its token skips the signature check and gets back the same
 * {@link TokenRecord}, with whatever later stages already derived from its claims.
 *
 * One token may have two spellings: an ES256/384/512 signature (r, s) and its twin (r, n − s)
 * both verify ({@link ecdsaTwin}). They are one token — same header, same claims, same key — so a
 * token that misses is looked up again as its twin, and a hit there answers with the same record
 * (the entry remembers the algorithm it verified under, and only an ECDSA entry of the same
 * curve answers for a twin: an Ed25519 signature has the length of an ES256 one). The twin is
 * computed only on a miss, so the repeated-token path is unchanged.
 *
 * Safety rests on three rules:
 * - a hit requires the whole token to match, or to be the ECDSA twin of a token that verified as
 *   ECDSA, so any other change to any byte (header, payload or signature) misses;
 * - an entry is only valid until the earliest of: the token's `exp` (plus the configured clock
 *   skew, as at verification), its maximum age from `iat` when one applies (`maxTokenAgeSeconds`
 *   or, while revocation is on, the revocation horizon: `maxIatAgeSeconds` in claims.ts), and the moment
 *   the key set that verified it passes its maximum age (counted from that set's fetch, not from
 *   the verification) — so a key the issuer removed stops vouching for cached tokens no later
 *   than it would for new ones; {@link clear} drops everything when a JWKS changes;
 * - revocation is never cached here: the pipeline checks it on every request.
 */
import { LruCache } from '../core/lru-cache';
import type { VerifiedClaims } from '../core/claims';
import { ecdsaSignatureBytes, ecdsaTwin } from '../core/verification/ecdsa-signature';
import { TokenRecord } from './token-record';

export interface VerifiedTokenCacheOptions {
  readonly maxEntries: number;
  readonly clockSkewSeconds: number;
  /** The oldest an `iat` may be, as the claim rules apply it (`maxIatAgeSeconds`); `null`: none. */
  readonly maxTokenAgeSeconds: number | null;
}

interface Entry {
  /** The whole token: a hit requires every byte to match. */
  readonly token: string;
  readonly record: TokenRecord;
  readonly validUntilMs: number;
  /** Signature bytes when the token verified as ECDSA (its twin is then the same token), else 0. */
  readonly ecdsaBytes: number;
}

/**
 * Entries are indexed by the token's last 32 characters (the end of the signature, 192 bits) and
 * matched on the whole token. Every event brings the token as a fresh string whose hash V8 has not
 * computed yet, and hashing every character of an RS256 token cost more than the rest of the
 * lookup (BENCHMARKS.md, "What was optimised"). Only tokens that verified are ever stored, so two
 * entries sharing an index is a 2^-192 event, and even then a lookup compares the whole token and
 * simply misses.
 */
const INDEX_LENGTH = 32;

function indexOf(token: string): string {
  return token.slice(-INDEX_LENGTH);
}

export class VerifiedTokenCache {
  private readonly entries: LruCache<string, Entry> | undefined;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.entries = options.maxEntries > 0 ? new LruCache(options.maxEntries) : undefined;
  }

  /** The record of a previously verified token (or of its ECDSA twin) that is still valid at `nowMs`. */
  get(token: string, nowMs: number): TokenRecord | undefined {
    const entry = this.entries && (this.valid(token, nowMs) ?? this.validTwinOf(token, nowMs));
    return entry?.record;
  }

  private valid(token: string, nowMs: number): Entry | undefined {
    const entry = this.entries?.get(indexOf(token));
    if (!entry || entry.token !== token) return undefined;
    if (entry.validUntilMs <= nowMs) {
      this.entries?.delete(indexOf(token));
      return undefined;
    }
    return entry;
  }

  private validTwinOf(token: string, nowMs: number): Entry | undefined {
    const twin = ecdsaTwin(token);
    const entry = twin === undefined ? undefined : this.valid(twin, nowMs);
    // The twin has this token's header, so it names the same algorithm; it is the same token only
    // if that algorithm is ECDSA (an Ed25519 signature has an ES256 signature's length).
    return entry !== undefined && entry.ecdsaBytes !== 0 ? entry : undefined;
  }

  /**
   * Remembers a verified token and returns its record, so the request that verified it shares
   * what it derives with the requests that reuse it. `keysTrustedUntilMs` is when the key set that
   * verified it stops being trusted (its fetch time plus the JWKS maximum age). With the cache off,
   * or a token already past its validity, the record is returned but not remembered. `alg` is the
   * algorithm it verified under.
   */
  set(token: string, claims: VerifiedClaims, nowMs: number, keysTrustedUntilMs: number, alg: string): TokenRecord {
    const record = new TokenRecord(claims);
    if (!this.entries) return record;
    const { clockSkewSeconds, maxTokenAgeSeconds } = this.options;
    let validUntilMs = Math.min((claims.exp + clockSkewSeconds) * 1000, keysTrustedUntilMs);
    if (maxTokenAgeSeconds !== null && claims.iat !== undefined) {
      validUntilMs = Math.min(validUntilMs, (claims.iat + maxTokenAgeSeconds + clockSkewSeconds) * 1000);
    }
    if (validUntilMs > nowMs) this.entries.set(indexOf(token), { token, record, validUntilMs, ecdsaBytes: ecdsaSignatureBytes(alg) ?? 0 });
    return record;
  }

  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
