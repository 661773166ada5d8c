/**
 * Answers "is this token revoked?" from a bounded in-memory cache in front of the
 * {@link RevocationStore}, kept current by the revocation feed.
 *
 * What an answer is worth. A per-token read is strongly consistent and is worth "not revoked as of
 * the instant the read STARTED" — never the instant its answer arrived (a request that arrived
 * after a revocation returned must not ride on a read that started before it). Then:
 * - while the instance follows the feed ({@link RevocationFeedFollower}), an answer read in the
 *   current epoch stays current: every entry the feed hands over marks the cached key revoked (or
 *   raises a cached subject's cut-off), and entries read while a lookup was in flight are kept
 *   for a while and applied when its answer arrives. A request is then decided on a feed read that
 *   started at most `min(poll interval, notRevokedCacheSeconds)` before it arrived: that is how
 *   soon a revocation bites on this instance, and why each token is read about once per lifetime;
 * - when the feed is off, or cannot be read within the deadline, an answer is trusted for
 *   `notRevokedCacheSeconds` after the instant it is known current (its read's start, or the last
 *   feed read that kept it current) — the design before the feed, kept as the fallback;
 * - a revoked token or session, and a subject cut-off a token falls under, stay revoked: a
 *   revocation is never undone, so those answers need no freshness.
 *
 * Keys already cached are not asked for again; the ones missing are fetched together in one round
 * trip, and a lookup in flight is shared by requests that may use its answer. Every wait is
 * bounded by `deadlineMs`: past it, the feed is given up for this request (fallback) and a read
 * is a {@link RevocationUnavailableError}.
 */
import { LruCache } from '../core/lru-cache';
import type { FeedEntry } from '../core/revocation-feed';
import { isSubjectRevocationKey, revocationKey } from '../core/revocation-table';
import type { VerifiedClaims } from '../core/claims';
import { RevocationUnavailableError, type RevocationRecord, type RevocationStore } from './revocation-store';
import type { FeedListener, RevocationFeedFollower } from './revocation-feed-follower';

export interface RevocationCheckerOptions {
  /** How long an answer is trusted when the feed does not keep it current; also caps the feed's window. */
  readonly notRevokedCacheSeconds: number;
  readonly maxEntries: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Bound on one check's waits (feed poll and lookup). Default: unbounded (the store bounds its own calls). */
  readonly deadlineMs?: number;
  /** The feed this instance follows; without one, answers are trusted for the window alone. */
  readonly feed?: RevocationFeedFollower;
  /** How often the feed is read, at most: with `notRevokedCacheSeconds`, the bound while following. */
  readonly pollIntervalMs?: number;
  /** Recently read feed entries kept for lookups in flight; beyond, the feed epoch restarts. */
  readonly maxRetainedEntries?: number;
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

/** No feed epoch: the answer is not kept current by the feed. */
const NOT_LIVE = -1;

interface CachedAnswer {
  /** What the table said, strengthened by feed entries since. */
  record: RevocationRecord | undefined;
  /** When the read that produced it started. */
  readonly readAt: number;
  /** The feed epoch that keeps it current, or {@link NOT_LIVE}. */
  readonly epoch: number;
}

interface PendingRead {
  readonly startedAt: number;
  readonly epoch: number;
  readonly result: Promise<RevocationRecord | undefined>;
}

/** Which rule a check judges answers by: kept current by the feed, or the window after their read. */
type Mode = 'follow' | 'fallback';

export class RevocationChecker implements FeedListener {
  private readonly answers: LruCache<string, CachedAnswer>;
  private readonly pending = new Map<string, PendingRead>();
  private retained: Array<{ readonly entry: FeedEntry; readonly seenAt: number }> = [];
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly followWindowMs: number;
  private readonly deadlineMs: number;
  private readonly retainMs: number;
  private readonly maxRetained: number;
  private readonly feed: RevocationFeedFollower | undefined;

  constructor(
    private readonly store: RevocationStore,
    options: RevocationCheckerOptions,
  ) {
    this.answers = new LruCache(options.maxEntries);
    this.now = options.now ?? Date.now;
    this.windowMs = options.notRevokedCacheSeconds * 1000;
    const pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.followWindowMs = Math.min(pollIntervalMs, this.windowMs);
    this.deadlineMs = options.deadlineMs ?? Number.POSITIVE_INFINITY;
    // A lookup never outlives its deadline, so entries older than that cannot concern one in flight.
    this.retainMs = 2 * (Number.isFinite(this.deadlineMs) ? this.deadlineMs : 10_000) + pollIntervalMs;
    this.maxRetained = options.maxRetainedEntries ?? 10_000;
    this.feed = options.feed;
    this.feed?.listen(this);
  }

  /**
   * Whether the token is revoked when every key of it is cached and current, without touching the
   * store or the feed; `undefined` otherwise (then call {@link check}). Synchronous so the common
   * case — a token whose answers are cached, the feed read within the last interval — costs no
   * promise and no await on the hot path. Counts go to `counters` only when it answers.
   */
  cachedOutcome(claims: VerifiedClaims, counters?: RevocationCounters, keys = revocationKeysOf(claims)): boolean | undefined {
    const now = this.now();
    const feed = this.feed;
    let mode: Mode;
    if (!feed) mode = 'fallback';
    else if (feed.isCurrent(now - this.followWindowMs)) mode = 'follow';
    else return undefined;
    const { tokenKeys, subjectKey } = keys;
    let revoked = false;
    for (const key of tokenKeys) {
      const cached = this.answers.get(key);
      if (!cached) return undefined;
      if (cached.record !== undefined) revoked = true;
      else if (!this.isCurrent(cached, now, mode)) return undefined;
    }
    const subject = this.answers.get(subjectKey);
    if (!subject) return undefined;
    const subjectRevoked = isSubjectRevocationInForce(subject.record, claims.iat);
    if (!subjectRevoked && !revoked && !this.isCurrent(subject, now, mode)) return undefined;
    if (counters) {
      counters.revocationCacheHits = tokenKeys.length + 1;
      counters.revocationStoreReads = 0;
    }
    return revoked || subjectRevoked;
  }

  /**
   * Resolves whether the token is revoked; rejects with RevocationUnavailableError when it cannot
   * tell within the deadline. Counts go to `counters` only when it answers.
   */
  async check(claims: VerifiedClaims, counters?: RevocationCounters, keys = revocationKeysOf(claims)): Promise<boolean> {
    const arrivedAt = this.now();
    const giveUpAt = performance.now() + this.deadlineMs;
    let mode: Mode = 'fallback';
    if (this.feed) {
      const current = await withinDeadline(this.feed.ensure(arrivedAt - this.followWindowMs, arrivedAt), giveUpAt);
      if (current === true) mode = 'follow';
    }

    const records = new Map<string, RevocationRecord | undefined>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    let cacheHits = 0;
    for (const key of keys.keys) {
      const cached = this.answers.get(key);
      if (cached && (this.isDecisive(cached, key, claims) || this.isCurrent(cached, arrivedAt, mode))) {
        records.set(key, cached.record);
        cacheHits++;
        continue;
      }
      const pending = this.pending.get(key);
      if (pending && this.mayJoin(pending, arrivedAt, mode))
        waits.push(
          pending.result.then((record) => {
            records.set(key, record);
          }),
        );
      else missing.push(key);
    }
    if (missing.length > 0)
      waits.push(
        this.read(missing).then((fetched) => {
          for (const [key, record] of fetched) records.set(key, record);
        }),
      );
    if (waits.length > 0) {
      const all = Promise.all(waits);
      if ((await withinDeadline(all, giveUpAt)) === undefined) {
        all.catch(() => undefined);
        throw new RevocationUnavailableError(`revocation lookup took longer than ${this.deadlineMs} ms`);
      }
    }

    if (counters) {
      counters.revocationCacheHits = cacheHits;
      counters.revocationStoreReads = missing.length;
    }
    return (
      keys.tokenKeys.some((key) => records.get(key) !== undefined) || isSubjectRevocationInForce(records.get(keys.subjectKey), claims.iat)
    );
  }

  /** Feed entries: cached keys are marked revoked now; entries are kept for lookups in flight. */
  onEntries(entries: readonly FeedEntry[], seenAt: number): void {
    if (entries.length === 0) return;
    for (const entry of entries) {
      const cached = this.answers.get(entry.key);
      if (cached) cached.record = strengthen(cached.record, entry);
      this.retained.push({ entry, seenAt });
    }
    const keepFrom = seenAt - this.retainMs;
    if ((this.retained[0]?.seenAt ?? keepFrom) < keepFrom) this.retained = this.retained.filter((kept) => kept.seenAt >= keepFrom);
    if (this.retained.length > this.maxRetained) {
      // Too many to keep: stop vouching for answers rather than forget an entry a lookup needs.
      this.retained = [];
      this.feed?.abandon('entries overflowed');
    }
  }

  /** A new feed epoch: answers read before it are judged by the window from now on. */
  onRestart(): void {
    this.retained = [];
  }

  /** An answer that says "revoked" for this token stays so: revocations are never undone. */
  private isDecisive(cached: CachedAnswer, key: string, claims: VerifiedClaims): boolean {
    if (cached.record === undefined) return false;
    return !isSubjectRevocationKey(key) || isSubjectRevocationInForce(cached.record, claims.iat);
  }

  /**
   * Whether a "not revoked" answer may decide a request that arrived at `at`. Strictly later than
   * the window's start: with millisecond clocks, a read started in the same millisecond as a write
   * returned may have started before it.
   */
  private isCurrent(cached: CachedAnswer, at: number, mode: Mode): boolean {
    const feed = this.feed;
    if (mode === 'follow') return (feed?.live === true && cached.epoch === feed.epoch) || cached.readAt > at - this.followWindowMs;
    const knownAt = feed?.live === true && cached.epoch === feed.epoch ? Math.max(cached.readAt, feed.coverage) : cached.readAt;
    return knownAt > at - this.windowMs;
  }

  /** Whether a request that arrived at `at` may use the answer of a lookup already in flight. */
  private mayJoin(pending: PendingRead, at: number, mode: Mode): boolean {
    const feed = this.feed;
    if (mode === 'follow')
      return (feed !== undefined && pending.epoch === feed.epoch && feed.live) || pending.startedAt > at - this.followWindowMs;
    return pending.startedAt > at - this.windowMs;
  }

  private read(keys: readonly string[]): Promise<Map<string, RevocationRecord | undefined>> {
    const startedAt = this.now();
    const feed = this.feed;
    const epoch = feed?.live ? feed.epoch : NOT_LIVE;
    const batch = this.store.lookup(keys).then((found) => {
      // Kept current by the feed only if no epoch began meanwhile; entries read since the lookup
      // started may postdate what it saw, so they are applied (re-applying an older one is harmless).
      const live = epoch !== NOT_LIVE && feed !== undefined && feed.live && feed.epoch === epoch;
      const results = new Map<string, RevocationRecord | undefined>();
      for (const key of keys) {
        let record = found.get(key);
        if (live)
          for (const { entry, seenAt } of this.retained) if (entry.key === key && seenAt >= startedAt) record = strengthen(record, entry);
        results.set(key, record);
        this.answers.set(key, { record, readAt: startedAt, epoch: live ? epoch : NOT_LIVE });
      }
      return results;
    });
    for (const key of keys) {
      const result = batch.then((results) => results.get(key));
      // Rejections are observed by the caller through `batch`; don't let copies go unhandled.
      result.catch(() => undefined);
      this.pending.set(key, { startedAt, epoch, result });
    }
    return batch.finally(() => {
      for (const key of keys) if (this.pending.get(key)?.startedAt === startedAt) this.pending.delete(key);
    });
  }
}

/** What a feed entry makes of an answer: revoked, or a subject's cut-off raised. Never weaker. */
function strengthen(record: RevocationRecord | undefined, entry: FeedEntry): RevocationRecord {
  if (!isSubjectRevocationKey(entry.key)) return record ?? { revokedBefore: undefined, expiresAt: undefined };
  if (entry.revokedBefore === undefined) return { revokedBefore: undefined, expiresAt: record?.expiresAt };
  if (record === undefined) return { revokedBefore: entry.revokedBefore, expiresAt: undefined };
  if (record.revokedBefore === undefined) return record;
  return { revokedBefore: Math.max(record.revokedBefore, entry.revokedBefore), expiresAt: record.expiresAt };
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

/** The promise's value, or `undefined` once `giveUpAt` (a `performance.now()` instant) passes. */
function withinDeadline<T>(promise: Promise<T>, giveUpAt: number): Promise<T | undefined> {
  const remaining = giveUpAt - performance.now();
  if (!Number.isFinite(remaining)) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, remaining), undefined);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
