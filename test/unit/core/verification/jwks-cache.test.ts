/**
 * The JWKS cache: one fetch serves many lookups, unknown kids and failures refetch at most once per
 * interval, concurrent lookups share a fetch, and the key policy applies to every set. Ageing and
 * key changes are in jwks-cache-max-age.test.ts.
 */
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import { beforeEach, describe, expect, it } from 'vitest';
import { TollboothJwksCache, type JwksCacheOptions, type JwksFetchEvent } from '../../../../lambdas/core/verification/jwks-cache';
import { OidcDiscoveryError } from '../../../../lambdas/core/verification/oidc-discovery';
import { ecJwk, FakeJwksFetcher, tokenWithKid } from '../../../helpers/fake-jwks-fetcher';

const URI = 'https://issuer.example/.well-known/jwks.json';
const K1 = ecJwk('k1');
const K2 = ecJwk('k2');

let nowMs: number;
let fetcher: FakeJwksFetcher;
let events: JwksFetchEvent[];

function createCache(options: Partial<JwksCacheOptions> = {}): TollboothJwksCache {
  return new TollboothJwksCache({
    fetcher,
    keyPolicy: { algorithms: ['ES256'], minRsaModulusBits: 2048, maxRsaModulusBits: 4096 },
    maxAgeSeconds: 600,
    minRefetchIntervalSeconds: 10,
    now: () => nowMs,
    onFetch: (event) => events.push(event),
    ...options,
  });
}

beforeEach(() => {
  nowMs = 1_700_000_000_000;
  fetcher = new FakeJwksFetcher([K1]);
  events = [];
});

describe('jwks-cache', () => {
  it('serves a fetched key even when the fetch observer throws, and reports the fetch once', async () => {
    // Prepare
    const reported: JwksFetchEvent[] = [];
    const cache = createCache({
      onFetch: (event) => {
        reported.push(event);
        throw new Error('log sink down');
      },
    });
    // Act
    const jwk = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(jwk).toEqual(K1);
    expect(reported).toEqual([expect.objectContaining({ ok: true })]);
  });

  it('fetches a JWKS once and serves later lookups from the cache', async () => {
    // Prepare
    const cache = createCache();
    // Act
    const first = await cache.getJwk(URI, tokenWithKid('k1'));
    nowMs += 60_000;
    const second = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(first).toEqual(K1);
    expect(second).toEqual(K1);
    expect(fetcher.count).toBe(1);
  });

  it('refetches an unknown kid at most once per interval, however many unknown kids arrive', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    nowMs += 10_000;
    // Act
    const firstUnknown = cache.getJwk(URI, tokenWithKid('k2'));
    await expect(firstUnknown).rejects.toThrow(KidNotFoundInJwksError);
    const storm = ['k2', 'k3', 'k4', 'k5', 'k6'].map((kid) => cache.getJwk(URI, tokenWithKid(kid)));
    // Assert
    for (const lookup of storm) await expect(lookup).rejects.toThrow(KidNotFoundInJwksError);
    expect(fetcher.count).toBe(2);
  });

  it('finds a rotated-in key on the first lookup after the interval', async () => {
    // Prepare
    const cache = createCache();
    await cache.getJwk(URI, tokenWithKid('k1'));
    fetcher.keys = [K1, K2];
    await expect(cache.getJwk(URI, tokenWithKid('k2'))).rejects.toThrow(KidNotFoundInJwksError);
    nowMs += 10_000;
    // Act
    const rotated = await cache.getJwk(URI, tokenWithKid('k2'));
    // Assert
    expect(rotated).toEqual(K2);
    expect(fetcher.count).toBe(2);
  });

  it('shares one fetch between concurrent lookups', async () => {
    // Prepare
    const cache = createCache();
    fetcher.hold();
    // Act
    const lookups = Promise.all([1, 2, 3, 4, 5].map(() => cache.getJwk(URI, tokenWithKid('k1'))));
    fetcher.release();
    const keys = await lookups;
    // Assert
    expect(keys).toEqual([K1, K1, K1, K1, K1]);
    expect(fetcher.count).toBe(1);
  });

  it('rate-limits fetches after a failure too, so a down endpoint sees no storm', async () => {
    // Prepare
    const cache = createCache();
    fetcher.goDown();
    await expect(cache.getJwk(URI, tokenWithKid('k1'))).rejects.toThrow(FetchError);
    // Act
    const retries = [1, 2, 3].map(() => cache.getJwk(URI, tokenWithKid('k1')));
    // Assert
    for (const retry of retries) await expect(retry).rejects.toThrow(JwksNotAvailableInCacheError);
    expect(fetcher.count).toBe(1);
  });

  it('tries a failed endpoint again once the interval has passed', async () => {
    // Prepare
    const cache = createCache();
    fetcher.goDown();
    await expect(cache.getJwk(URI, tokenWithKid('k1'))).rejects.toThrow(FetchError);
    fetcher.failure = undefined;
    nowMs += 10_000;
    // Act
    const key = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(key).toEqual(K1);
    expect(fetcher.count).toBe(2);
  });

  it('denies a token without a kid before fetching anything', async () => {
    // Prepare
    const cache = createCache();
    // Act
    const lookup = cache.getJwk(URI, tokenWithKid(undefined));
    // Assert
    await expect(lookup).rejects.toThrow(JwtWithoutValidKidError);
    expect(() => cache.getCachedJwk(URI, tokenWithKid(''))).toThrow(JwtWithoutValidKidError);
    expect(fetcher.count).toBe(0);
  });

  it('applies the key policy to a fetched set and reports the rejected keys', async () => {
    // Prepare
    const encryptionKey = { ...K2, use: 'enc' };
    fetcher.keys = [K1, encryptionKey];
    const cache = createCache();
    // Act
    const trusted = await cache.getJwk(URI, tokenWithKid('k1'));
    const refused = cache.getJwk(URI, tokenWithKid('k2'));
    // Assert
    expect(trusted).toEqual(K1);
    await expect(refused).rejects.toThrow(KidNotFoundInJwksError);
    expect(events[0]).toMatchObject({ uri: URI, ok: true, keys: 1, rejected: [{ kid: 'k2', reason: 'use is "enc", not "sig"' }] });
  });

  it('applies the key policy to a set added directly', () => {
    // Prepare
    const cache = createCache();
    // Act
    cache.addJwks(URI, { keys: [K1, { ...K2, alg: 'RS256' }] });
    // Assert
    expect(cache.getCachedJwk(URI, tokenWithKid('k1'))).toEqual(K1);
    expect(() => cache.getCachedJwk(URI, tokenWithKid('k2'))).toThrow(KidNotFoundInJwksError);
  });

  it('answers synchronous lookups only from what is cached', async () => {
    // Prepare
    const cache = createCache();
    // Act / Assert
    expect(() => cache.getCachedJwk(URI, tokenWithKid('k1'))).toThrow(JwksNotAvailableInCacheError);
    await cache.getJwks(URI);
    expect(cache.getCachedJwk(URI, tokenWithKid('k1'))).toEqual(K1);
    expect(() => cache.getCachedJwk(URI, tokenWithKid('k9'))).toThrow(KidNotFoundInJwksError);
    expect(fetcher.count).toBe(1);
  });

  it.each([
    { name: 'invalid JSON', body: '{"keys": [', message: 'JWKS is not valid UTF-8 JSON' },
    { name: 'invalid UTF-8', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), message: 'JWKS is not valid UTF-8 JSON' },
    { name: 'a JSON object without keys', body: '{"jwks": []}', message: 'JWKS is not an object with a "keys" array' },
    { name: 'keys that are not a list', body: '{"keys": {}}', message: 'JWKS is not an object with a "keys" array' },
  ])('refuses a JWKS document with $name', async ({ body, message }) => {
    // Prepare
    fetcher.body = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const cache = createCache();
    // Act
    const lookup = cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    await expect(lookup).rejects.toThrow(JwksValidationError);
    // aws-jwt-verify's classes do not set `name`; the event names the class anyway
    expect(events).toEqual([expect.objectContaining({ uri: URI, ok: false, error: `JwksValidationError: ${message}` })]);
  });

  it('keeps the good keys of a JWKS in which one entry is malformed', async () => {
    // Prepare
    fetcher.body = new TextEncoder().encode(JSON.stringify({ keys: [{ ...K1, kid: 42 }, K1] }));
    const cache = createCache();
    // Act
    const key = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(key).toEqual(K1);
    expect(events).toEqual([
      expect.objectContaining({
        ok: true,
        keys: 1,
        rejected: [expect.objectContaining({ reason: expect.stringContaining('not a well-formed JWK') })],
      }),
    ]);
  });

  it('fetches an overridden URI but caches under the URI the library asks for', async () => {
    // Prepare
    const local = 'http://127.0.0.1:9999/jwks.json';
    const cache = createCache({ resolveFetchUri: (uri) => (uri === URI ? local : uri) });
    // Act
    const key = await cache.getJwk(URI, tokenWithKid('k1'));
    // Assert
    expect(key).toEqual(K1);
    expect(fetcher.calls).toEqual([local]);
    expect(cache.getCachedJwk(URI, tokenWithKid('k1'))).toEqual(K1);
    expect(events[0]).toMatchObject({ uri: local, ok: true });
  });

  it('reports a failure to locate the keys as a discovery failure, fetching nothing, within the refetch interval', async () => {
    // Prepare
    let resolutions = 0;
    const cache = createCache({
      resolveFetchUri: () => {
        resolutions++;
        return Promise.reject(new OidcDiscoveryError('no discovery document'));
      },
    });
    // Act
    const first = await cache.getJwk(URI, tokenWithKid('k1')).catch((error: unknown) => error);
    const second = await cache.getJwk(URI, tokenWithKid('k1')).catch((error: unknown) => error);
    nowMs += 10_000;
    await cache.getJwk(URI, tokenWithKid('k1')).catch(() => undefined);
    // Assert
    expect(first).toBeInstanceOf(OidcDiscoveryError);
    expect(second).toBeInstanceOf(JwksNotAvailableInCacheError);
    expect((second as Error).message).toBe(
      'OidcDiscoveryError: no discovery document (the last attempt; the next is allowed after the refetch interval)',
    );
    expect(resolutions).toBe(2);
    expect(fetcher.calls).toEqual([]);
    expect(events[0]).toEqual({
      uri: URI,
      ok: false,
      durationMs: 0,
      error: 'OidcDiscoveryError: no discovery document',
      step: 'discovery',
    });
  });

  it('hydrates every distinct URI once and counts the successes', async () => {
    // Prepare
    const cache = createCache({
      fetcher: { fetch: (uri) => (uri.includes('down') ? Promise.reject(new Error('down')) : fetcher.fetch(uri)) },
    });
    // Act
    const hydrated = await cache.hydrate([URI, URI, 'https://down.example/jwks.json']);
    // Assert
    expect(hydrated).toBe(1);
    expect(fetcher.calls).toEqual([URI]);
    expect(cache.getCachedJwk(URI, tokenWithKid('k1'))).toEqual(K1);
  });

  it('joins a fetch already under way when asked for the whole set', async () => {
    // Prepare
    const cache = createCache();
    fetcher.hold();
    const lookup = cache.getJwk(URI, tokenWithKid('k1'));
    // Act
    const whole = cache.getJwks(URI);
    fetcher.release();
    // Assert
    expect(await whole).toEqual({ keys: [K1] });
    expect(await lookup).toEqual(K1);
    expect(fetcher.count).toBe(1);
  });
});
