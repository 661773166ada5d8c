/**
 * The JWKS cache over time: refresh after half the maximum age (keeping the old set if that
 * fails), no trust past the maximum age, and a callback only when the keys really changed.
 */
import { FetchError, JwksNotAvailableInCacheError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { beforeEach, describe, expect, it } from 'vitest';
import { TollboothJwksCache } from '../../../../lambdas/core/verification/jwks-cache';
import { ecJwk, FakeJwksFetcher, tokenWithKid } from '../../../helpers/fake-jwks-fetcher';

const URI = 'https://issuer.example/.well-known/jwks.json';
const MAX_AGE_MS = 600_000;
const K1 = ecJwk('k1');
const K2 = ecJwk('k2');

let nowMs: number;
let fetcher: FakeJwksFetcher;
let changes: Array<{ uri: string; jwks: Jwks }>;

function createCache(): TollboothJwksCache {
  return new TollboothJwksCache({
    fetcher,
    keyPolicy: { algorithms: ['ES256'], minRsaModulusBits: 2048, maxRsaModulusBits: 4096 },
    maxAgeSeconds: MAX_AGE_MS / 1000,
    minRefetchIntervalSeconds: 10,
    now: () => nowMs,
    onKeysChanged: (uri, jwks) => changes.push({ uri, jwks }),
  });
}

beforeEach(() => {
  nowMs = 1_700_000_000_000;
  fetcher = new FakeJwksFetcher([K1]);
  changes = [];
});

describe('jwks-cache maximum age', () => {
  it('does not refresh a set younger than half its maximum age', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    nowMs += MAX_AGE_MS / 2 - 1;
    // Act
    await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(fetcher.count).toBe(1);
  });

  it('refreshes a set on the first lookup after half its maximum age', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    nowMs += MAX_AGE_MS / 2;
    // Act
    await cache.getJwk(URI, tokenWithKid('k1'));
    await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(fetcher.count).toBe(2);
  });

  it('keeps using the old set when the refresh fails, retrying once per interval', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    fetcher.goDown();
    nowMs += MAX_AGE_MS / 2;
    // Act
    const duringOutage = await cache.getJwk(URI, tokenWithKid('k1'));
    const rateLimited = await cache.getJwk(URI, tokenWithKid('k1'));
    nowMs += 10_000;
    const nextInterval = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect([duringOutage, rateLimited, nextInterval]).toEqual([K1, K1, K1]);
    expect(fetcher.count).toBe(3);
  });

  it('still trusts the set just before its maximum age while the endpoint is down', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    fetcher.goDown();
    nowMs += MAX_AGE_MS - 1;
    // Act
    const key = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(key).toEqual(K1);
  });

  it('drops the set at its maximum age, so a down endpoint means no key at all', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    fetcher.goDown();
    nowMs += MAX_AGE_MS;
    // Act
    const firstLookup = cache.getJwk(URI, tokenWithKid('k1'));
    await expect(firstLookup).rejects.toThrow(FetchError);
    const secondLookup = cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    await expect(secondLookup).rejects.toThrow(JwksNotAvailableInCacheError);
    expect(() => cache.getCachedJwk(URI, tokenWithKid('k1'))).toThrow(JwksNotAvailableInCacheError);
    expect(fetcher.count).toBe(2);
  });

  it('stops trusting a key the issuer removed once the refresh sees it gone', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    fetcher.keys = [K2];
    nowMs += MAX_AGE_MS / 2;
    // Act
    const removed = cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    await expect(removed).rejects.toThrow(KidNotFoundInJwksError);
    expect(fetcher.count).toBe(2);
  });

  describe('onKeysChanged', () => {
    it('does not fire on the first fetch', async () => {
      // Prepare
      const cache = createCache();
      // Act
      await cache.getJwk(URI, tokenWithKid('k1'));
      // Assert
      expect(changes).toEqual([]);
    });

    it('does not fire when a refetch returns the same keys', async () => {
      // Prepare
      const cache = createCache();
      await cache.getJwk(URI, tokenWithKid('k1'));
      nowMs += MAX_AGE_MS / 2;
      // Act
      await cache.getJwk(URI, tokenWithKid('k1'));
      // Assert
      expect(fetcher.count).toBe(2);
      expect(changes).toEqual([]);
    });

    it('fires with the new set when a refetch changed the keys', async () => {
      // Prepare
      const cache = createCache();
      await cache.getJwk(URI, tokenWithKid('k1'));
      fetcher.keys = [K1, K2];
      nowMs += 10_000;
      // Act
      await cache.getJwk(URI, tokenWithKid('k2'));
      // Assert
      expect(changes).toEqual([{ uri: URI, jwks: { keys: [K1, K2] } }]);
    });

    it('fires when the same kid comes back with different key material', async () => {
      // Prepare
      const cache = createCache();
      await cache.getJwk(URI, tokenWithKid('k1'));
      const replaced = { ...K2, kid: 'k1' };
      fetcher.keys = [replaced];
      nowMs += MAX_AGE_MS / 2;
      // Act
      const key = await cache.getJwk(URI, tokenWithKid('k1'));
      // Assert
      expect(key).toEqual(replaced);
      expect(changes).toEqual([{ uri: URI, jwks: { keys: [replaced] } }]);
    });

    it('fires when the keys changed while the old set was past its maximum age', async () => {
      // Prepare: converted keys and verified tokens from the old set must not outlive it
      const cache = createCache();
      await cache.getJwk(URI, tokenWithKid('k1'));
      const replaced = { ...K2, kid: 'k1' };
      fetcher.keys = [replaced];
      nowMs += MAX_AGE_MS + 1;
      // Act
      await cache.getJwk(URI, tokenWithKid('k1'));
      // Assert
      expect(changes).toEqual([{ uri: URI, jwks: { keys: [replaced] } }]);
    });

    it('does not fire when a failed refetch leaves the keys as they were', async () => {
      // Prepare
      const cache = createCache();
      await cache.getJwk(URI, tokenWithKid('k1'));
      fetcher.goDown();
      nowMs += MAX_AGE_MS / 2;
      // Act
      await cache.getJwk(URI, tokenWithKid('k1'));
      // Assert
      expect(changes).toEqual([]);
    });
  });
});
