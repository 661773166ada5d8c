/**
 * Answers "is this token revoked?" with a bounded in-memory cache in front of the
 * {@link RevocationStore}.
 *
 * Staleness this allows, by design:
 * - A "not revoked" answer (no item) is trusted for `notRevokedCacheSeconds`. A revocation
 *   written meanwhile takes effect on this instance within that window — on top of any API
 *   Gateway authorizer-result cache TTL, which delays it independently.
 * - A subject item (`revokedBefore`) is also re-read after that window, since a later global
 *   sign-out moves it forward.
 * - A revoked token or session stays revoked in the cache until the token expires: revocations
 *   are never undone.
 *
 * Keys already cached are not asked for again; the ones missing are fetched together in one
 * round trip, and concurrent lookups of the same key share one request.
 */
import { LruCache } from '../core/lru-cache';
import { isSubjectRevocationKey, revocationKey } from '../core/revocation-table';
import type { VerifiedClaims } from '../core/claims';
import type { RevocationRecord, RevocationStore } from './revocation-store';

export interface RevocationCheckerOptions {
  readonly notRevokedCacheSeconds: number;
  readonly maxEntries: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** Where a check records how much of its answer came from the cache (the request's trace, for metrics). */
export interface RevocationCounters {
  /** Keys answered from the cache. */
  revocationCacheHits: number;
  /** Keys read from the store. */
  revocationStoreReads: number;
}

/** The table keys one token is checked against. */
export interface RevocationKeys {
  /** The token's own key and its session's, when it has those claims: revoked outright. */
  readonly tokenKeys: readonly string[];
  /** Its subject's: revokes tokens issued before the item's `revokedBefore`. */
  readonly subjectKey: string;
  /** All of them, in lookup order. */
  readonly keys: readonly string[];
}

/**
 * The table keys of a token. Built afresh they are new strings, which the cache must hash again
 * on every lookup; so a caller checking the same token again (the pipeline, through its token
 * record) passes the keys it built the first time, hashes already known.
 */
export function revocationKeysOf(claims: VerifiedClaims): RevocationKeys {
  const tokenKeys: string[] = [];
  if (claims.jti) tokenKeys.push(revocationKey('jti', claims.issuer, claims.jti));
  if (claims.originJti) tokenKeys.push(revocationKey('session', claims.issuer, claims.originJti));
  const subjectKey = revocationKey('sub', claims.issuer, claims.sub);
  return { tokenKeys, subjectKey, keys: [...tokenKeys, subjectKey] };
}

interface CachedAnswer {
  readonly record: RevocationRecord | undefined;
  readonly validUntil: number;
}

export class RevocationChecker {
  private readonly answers: LruCache<string, CachedAnswer>;
  private readonly pending = new Map<string, Promise<RevocationRecord | undefined>>();
  private readonly now: () => number;
  private readonly notRevokedMs: number;

  constructor(
    private readonly store: RevocationStore,
    options: RevocationCheckerOptions,
  ) {
    this.answers = new LruCache(options.maxEntries);
    this.now = options.now ?? Date.now;
    this.notRevokedMs = options.notRevokedCacheSeconds * 1000;
  }

  /**
   * Whether the token is revoked when every key of it is cached and current, without touching the
   * store; `undefined` otherwise (then call {@link check}). Synchronous so the common case — a
   * token whose answers are cached — costs no promise and no await on the hot path. Counts go to
   * `counters` only when it answers.
   */
  cachedOutcome(claims: VerifiedClaims, counters?: RevocationCounters, keys = revocationKeysOf(claims)): boolean | undefined {
    const { tokenKeys, subjectKey } = keys;
    const now = this.now();
    let tokenRevoked = false;
    for (const key of tokenKeys) {
      const cached = this.answers.get(key);
      if (!cached || cached.validUntil <= now) return undefined;
      if (cached.record !== undefined) tokenRevoked = true;
    }
    const subject = this.answers.get(subjectKey);
    if (!subject || subject.validUntil <= now) return undefined;
    if (counters) {
      counters.revocationCacheHits = tokenKeys.length + 1;
      counters.revocationStoreReads = 0;
    }
    return tokenRevoked || isSubjectRevocationInForce(subject.record, claims.iat);
  }

  /**
   * Resolves whether the token is revoked; rejects with RevocationUnavailableError when it cannot
   * tell. Counts go to `counters` only when it answers: a failed lookup counts nothing.
   */
  async check(claims: VerifiedClaims, counters?: RevocationCounters, keys = revocationKeysOf(claims)): Promise<boolean> {
    const { tokenKeys, subjectKey } = keys;

    const now = this.now();
    const records = new Map<string, RevocationRecord | undefined>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    let cacheHits = 0;
    for (const key of keys.keys) {
      const cached = this.answers.get(key);
      if (cached && cached.validUntil > now) {
        records.set(key, cached.record);
        cacheHits++;
      } else {
        const pending = this.pending.get(key);
        if (pending)
          waits.push(
            pending.then((record) => {
              records.set(key, record);
            }),
          );
        else missing.push(key);
      }
    }
    if (missing.length > 0)
      waits.push(
        this.fetch(missing, claims).then((fetched) => {
          for (const [key, record] of fetched) records.set(key, record);
        }),
      );
    await Promise.all(waits);

    if (counters) {
      counters.revocationCacheHits = cacheHits;
      counters.revocationStoreReads = missing.length;
    }
    return tokenKeys.some((key) => records.get(key) !== undefined) || isSubjectRevocationInForce(records.get(subjectKey), claims.iat);
  }

  private fetch(keys: readonly string[], claims: VerifiedClaims): Promise<Map<string, RevocationRecord | undefined>> {
    const batch = this.store.lookup(keys).then((found) => {
      const now = this.now();
      const results = new Map<string, RevocationRecord | undefined>();
      for (const key of keys) {
        const record = found.get(key);
        results.set(key, record);
        // A revoked token or session is kept until the token expires; anything else for the window.
        const keepUntil =
          record && !isSubjectRevocationKey(key) ? Math.max(claims.exp * 1000, now + this.notRevokedMs) : now + this.notRevokedMs;
        if (keepUntil > now) this.answers.set(key, { record, validUntil: keepUntil });
      }
      return results;
    });
    for (const key of keys) {
      const single = batch.then((results) => results.get(key));
      // Rejections are observed by the caller through `batch`; don't let copies go unhandled.
      single.catch(() => undefined);
      this.pending.set(key, single);
    }
    return batch.finally(() => {
      for (const key of keys) this.pending.delete(key);
    });
  }
}

/**
 * A subject item revokes tokens issued before `revokedBefore`. Tokens without `iat` cannot prove
 * they are newer, so they count as revoked.
 */
function isSubjectRevocationInForce(record: RevocationRecord | undefined, iat: number | undefined): boolean {
  if (!record) return false;
  if (record.revokedBefore === undefined) return true;
  return iat === undefined || iat < record.revokedBefore;
}
