/**
 * API Gateway's authorizer result cache, reproduced for the local stack: a Lambda authorizer's
 * answer is kept per identity source (here: the `Authorization` header value) for the configured
 * TTL (`authorizerResultTtlInSeconds`, 0–3600; 0 turns caching off), and reused for *every* route
 * the same identity source calls meanwhile. The cached IAM policy is re-evaluated against each
 * later request's `routeArn` — the authorizer is not asked again — so a policy that allows more or
 * less than the token's scopes would show here exactly as it would in AWS.
 *
 * Keys are the identity source values in order, joined with a separator that cannot occur in a
 * header value. Bounded, least recently used evicted first.
 */
import { LruCache } from '../../lambdas/core/lru-cache';

export interface AuthorizerCacheOptions {
  /** 0 disables the cache; API Gateway allows at most 3600. */
  readonly ttlSeconds: number;
  readonly maxEntries?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** Authorizer answers by identity source, each for the TTL from when it was stored. */
export class AuthorizerResultCache<T> {
  private readonly entries: LruCache<string, Entry<T>>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: AuthorizerCacheOptions) {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 0 || options.ttlSeconds > 3600) {
      throw new RangeError(
        `the authorizer cache TTL must be a whole number of seconds from 0 to 3600 (API Gateway's range), got ${options.ttlSeconds}`,
      );
    }
    this.ttlMs = options.ttlSeconds * 1000;
    this.entries = new LruCache(options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The cached answer for these identity source values, if still within the TTL. */
  get(identitySource: readonly string[]): T | undefined {
    if (!this.enabled) return undefined;
    const key = keyOf(identitySource);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Forgets every answer: what API Gateway's authorizer-cache flush does to a stage. */
  flush(): void {
    this.entries.clear();
  }

  set(identitySource: readonly string[], value: T): void {
    if (this.enabled) this.entries.set(keyOf(identitySource), { value, expiresAt: this.now() + this.ttlMs });
  }
}

// A NUL never appears in an HTTP header value, so distinct source lists never collide.
function keyOf(identitySource: readonly string[]): string {
  return identitySource.join('\u0000');
}
