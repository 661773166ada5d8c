/**
 * API Gateway's authorizer result cache: per identity source, for exactly the TTL, off at 0.
 */
import { describe, expect, it } from 'vitest';
import { AuthorizerResultCache } from '../../../bin/local/authorizer-cache';

function cacheAt(ttlSeconds: number) {
  const clock = { ms: 1_000_000 };
  return { clock, cache: new AuthorizerResultCache<string>({ ttlSeconds, now: () => clock.ms }) };
}

describe('AuthorizerResultCache', () => {
  it('answers from the cache until the TTL has passed, then forgets', () => {
    // Prepare
    const { clock, cache } = cacheAt(5);
    cache.set(['Bearer a'], 'allow');
    // Act
    clock.ms += 4_999;
    const inside = cache.get(['Bearer a']);
    clock.ms += 1;
    const atTtl = cache.get(['Bearer a']);
    // Assert
    expect([inside, atTtl]).toEqual(['allow', undefined]);
  });

  it('keys on the exact identity source values', () => {
    // Prepare
    const { cache } = cacheAt(60);
    cache.set(['Bearer a'], 'allow');
    // Act / Assert
    expect([cache.get(['Bearer a']), cache.get(['bearer a']), cache.get(['Bearer a', 'x'])]).toEqual(['allow', undefined, undefined]);
  });

  it('caches nothing with a TTL of 0', () => {
    const { cache } = cacheAt(0);
    cache.set(['Bearer a'], 'allow');
    expect(cache.get(['Bearer a'])).toBeUndefined();
  });

  it.each([-1, 3601, 1.5])('refuses a TTL of %s, outside API Gateway’s 0–3600', (ttlSeconds) => {
    expect(() => new AuthorizerResultCache({ ttlSeconds })).toThrow(RangeError);
  });
});
