/**
 * The verified-token cache: an entry lives until the earliest of exp + skew, the moment the key set
 * that verified it stops being trusted, and iat + maximum token age + skew.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from '../../../lambdas/authorizer/verified-token-cache';
import { ecdsaTwin } from '../../../lambdas/core/verification/ecdsa-signature';
import { verifiedClaims } from '../../helpers/claims';

const NOW_S = 1_800_000_000;
const NOW_MS = NOW_S * 1000;
const OPTIONS: VerifiedTokenCacheOptions = { maxEntries: 100, clockSkewSeconds: 30, maxTokenAgeSeconds: null };
/** The key set was fetched an hour before NOW and is trusted for another hour. */
const KEYS_TRUSTED_UNTIL_MS = NOW_MS + 3600 * 1000;
const TOKEN = 'header.payload.signature';

describe('verified-token-cache', () => {
  it('returns the record of a token verified before: the one set() returned, with its claims', () => {
    // Prepare
    const cache = new VerifiedTokenCache(OPTIONS);
    const claims = verifiedClaims({ exp: NOW_S + 600 });
    const record = cache.set(TOKEN, claims, NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Act
    const cached = cache.get(TOKEN, NOW_MS + 1000);
    // Assert
    expect(cached).toBe(record);
    expect(cached?.claims).toBe(claims);
  });

  it('misses a token that differs in any byte', () => {
    // Prepare
    const cache = new VerifiedTokenCache(OPTIONS);
    cache.set(TOKEN, verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Act
    const cached = cache.get(`${TOKEN.slice(0, -1)}X`, NOW_MS);
    // Assert
    expect(cached).toBeUndefined();
  });

  it.each([
    { name: 'the header', changed: (token: string) => `X${token.slice(1)}` },
    { name: 'the payload', changed: (token: string) => token.replace('.payload-', '.pAyload-') },
  ])('misses a token that differs only in $name, however long its signature', ({ changed }) => {
    // Prepare: entries are indexed by the signature's end, so these share an index with the original
    const token = `header.payload-${'p'.repeat(600)}.${'s'.repeat(342)}`;
    const cache = new VerifiedTokenCache(OPTIONS);
    cache.set(token, verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Act
    const cached = cache.get(changed(token), NOW_MS);
    // Assert
    expect(cached).toBeUndefined();
    expect(cache.get(token, NOW_MS)).toBeDefined();
  });

  it.each([
    {
      name: 'exp + skew when that comes first',
      claims: { exp: NOW_S + 600, iat: NOW_S },
      options: OPTIONS,
      validUntilMs: (NOW_S + 600 + 30) * 1000,
    },
    {
      name: "the key set's own expiry (its fetch + the JWKS maximum age) when that comes first",
      claims: { exp: NOW_S + 86_400, iat: NOW_S },
      options: OPTIONS,
      validUntilMs: NOW_MS + 3600 * 1000,
    },
    {
      name: 'iat + maximum token age + skew when that comes first',
      claims: { exp: NOW_S + 3000, iat: NOW_S - 100 },
      options: { ...OPTIONS, maxTokenAgeSeconds: 600 },
      validUntilMs: (NOW_S - 100 + 600 + 30) * 1000,
    },
    {
      name: 'exp + skew when a maximum age is set but the token has no iat',
      claims: { exp: NOW_S + 600, iat: undefined },
      options: { ...OPTIONS, maxTokenAgeSeconds: 60 },
      validUntilMs: (NOW_S + 600 + 30) * 1000,
    },
  ])('keeps an entry until $name', ({ claims, options, validUntilMs }) => {
    // Prepare
    const cache = new VerifiedTokenCache(options);
    cache.set(TOKEN, verifiedClaims(claims), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Act
    const justBefore = cache.get(TOKEN, validUntilMs - 1);
    const atTheEnd = cache.get(TOKEN, validUntilMs);
    // Assert
    expect(justBefore).toBeDefined();
    expect(atTheEnd).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not store a token that is already past its validity', () => {
    // Prepare
    const cache = new VerifiedTokenCache(OPTIONS);
    // Act
    cache.set(TOKEN, verifiedClaims({ exp: NOW_S - 30 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Assert
    expect(cache.size).toBe(0);
    expect(cache.get(TOKEN, NOW_MS - 1)).toBeUndefined();
  });

  it('remembers nothing when maxEntries is 0, but still hands the request its record', () => {
    // Prepare
    const cache = new VerifiedTokenCache({ ...OPTIONS, maxEntries: 0 });
    const claims = verifiedClaims({ exp: NOW_S + 600 });
    // Act
    const record = cache.set(TOKEN, claims, NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Assert
    expect(record.claims).toBe(claims);
    expect(cache.get(TOKEN, NOW_MS)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(() => cache.clear()).not.toThrow();
  });

  it('holds at most maxEntries tokens, forgetting the least recently used', () => {
    // Prepare
    const cache = new VerifiedTokenCache({ ...OPTIONS, maxEntries: 2 });
    const claims = verifiedClaims({ exp: NOW_S + 600 });
    cache.set('a.a.a', claims, NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    cache.set('b.b.b', claims, NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    cache.get('a.a.a', NOW_MS);
    // Act
    cache.set('c.c.c', claims, NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Assert
    expect(cache.size).toBe(2);
    expect(cache.get('a.a.a', NOW_MS)).toBeDefined();
    expect(cache.get('b.b.b', NOW_MS)).toBeUndefined();
  });

  it('forgets every token on clear', () => {
    // Prepare
    const cache = new VerifiedTokenCache(OPTIONS);
    cache.set('a.a.a', verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    cache.set('b.b.b', verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'RS256');
    // Act
    cache.clear();
    // Assert
    expect(cache.size).toBe(0);
    expect(cache.get('a.a.a', NOW_MS)).toBeUndefined();
  });

  describe('ECDSA twins: (r, s) and (r, n − s) are one token', () => {
    const SIGNING_INPUT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9';
    const esToken = (curve: 'P-256' | 'P-384' | 'P-521', hash: string): string => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      return `${SIGNING_INPUT}.${sign(hash, Buffer.from(SIGNING_INPUT), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };

    it.each([
      { alg: 'ES256', curve: 'P-256' as const, hash: 'sha256' },
      { alg: 'ES384', curve: 'P-384' as const, hash: 'sha384' },
      { alg: 'ES512', curve: 'P-521' as const, hash: 'sha512' },
    ])('answers the $alg twin of a verified token with the same record', ({ alg, curve, hash }) => {
      // Prepare
      const token = esToken(curve, hash);
      const twin = ecdsaTwin(token) ?? '';
      const cache = new VerifiedTokenCache(OPTIONS);
      const record = cache.set(token, verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, alg);
      // Act
      const fromTwin = cache.get(twin, NOW_MS);
      // Assert
      expect(twin).not.toBe(token);
      expect(ecdsaTwin(twin)).toBe(token);
      expect(fromTwin).toBe(record);
      expect(cache.size).toBe(1);
    });

    it('does not answer the "twin" of a token that verified as EdDSA (an Ed25519 signature has an ES256 length)', () => {
      // Prepare
      const token = esToken('P-256', 'sha256');
      const cache = new VerifiedTokenCache(OPTIONS);
      cache.set(token, verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'EdDSA');
      // Act, Assert
      expect(cache.get(ecdsaTwin(token) ?? '', NOW_MS)).toBeUndefined();
      expect(cache.get(token, NOW_MS)).toBeDefined();
    });

    it('does not answer a twin once the original has expired', () => {
      const token = esToken('P-256', 'sha256');
      const cache = new VerifiedTokenCache(OPTIONS);
      cache.set(token, verifiedClaims({ exp: NOW_S + 600 }), NOW_MS, KEYS_TRUSTED_UNTIL_MS, 'ES256');
      expect(cache.get(ecdsaTwin(token) ?? '', (NOW_S + 630) * 1000)).toBeUndefined();
    });
  });
});
