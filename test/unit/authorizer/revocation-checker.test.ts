/**
 * The revocation checker: which keys a token needs, how long each answer is trusted, and that
 * concurrent checks and cached keys do not cost extra store reads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RevocationUnavailableError } from '../../../lambdas/authorizer/revocation-store';
import { RevocationChecker, revocationKeysOf, type RevocationCounters } from '../../../lambdas/authorizer/revocation-checker';
import type { VerifiedClaims } from '../../../lambdas/core/claims';
import { revocationKey } from '../../../lambdas/core/revocation-table';
import { CLAIMS_ISSUER, verifiedClaims } from '../../helpers/claims';
import { FakeStore } from '../../helpers/fake-revocation-store';

const NOW_S = 1_800_000_100;
const JTI_KEY = revocationKey('jti', CLAIMS_ISSUER, 'token-1');
const SESSION_KEY = revocationKey('session', CLAIMS_ISSUER, 'session-1');
const SUB_KEY = revocationKey('sub', CLAIMS_ISSUER, 'alice');

let nowMs: number;
let store: FakeStore;

function createChecker(notRevokedCacheSeconds = 30): RevocationChecker {
  return new RevocationChecker(store, { notRevokedCacheSeconds, maxEntries: 100, now: () => nowMs });
}

interface Counted {
  readonly revoked: boolean;
  readonly cacheHits: number;
  readonly storeReads: number;
}

function noCounts(): RevocationCounters {
  return { revocationCacheHits: 0, revocationStoreReads: 0 };
}

/** A check with the counts it records, as the request's trace receives them. */
async function counted(checker: RevocationChecker, claims: VerifiedClaims): Promise<Counted> {
  const counters = noCounts();
  const revoked = await checker.check(claims, counters);
  return { revoked, cacheHits: counters.revocationCacheHits, storeReads: counters.revocationStoreReads };
}

/** The synchronous answer from the cache with its counts, or undefined. */
function countedFromCache(checker: RevocationChecker, claims: VerifiedClaims): Counted | undefined {
  const counters = noCounts();
  const revoked = checker.cachedOutcome(claims, counters);
  return revoked === undefined
    ? undefined
    : { revoked, cacheHits: counters.revocationCacheHits, storeReads: counters.revocationStoreReads };
}

beforeEach(() => {
  nowMs = NOW_S * 1000;
  store = new FakeStore();
});

describe('revocation-checker', () => {
  it('asks the store for the token, its session and its subject in one lookup', async () => {
    // Prepare
    const checker = createChecker();
    // Act
    const outcome = await counted(checker, verifiedClaims({ originJti: 'session-1' }));
    // Assert
    expect(outcome).toEqual({ revoked: false, cacheHits: 0, storeReads: 3 });
    expect(store.lookups).toEqual([[JTI_KEY, SESSION_KEY, SUB_KEY]]);
  });

  it('looks up the keys it is given, so a token checked again need not rebuild them', async () => {
    // Prepare
    const checker = createChecker();
    const claims = verifiedClaims({ originJti: 'session-1' });
    const keys = revocationKeysOf(claims);
    // Act
    await checker.check(claims, undefined, keys);
    // Assert
    expect(store.lookups).toEqual([[...keys.keys]]);
    expect(keys.keys).toEqual([JTI_KEY, SESSION_KEY, SUB_KEY]);
  });

  it('asks only for the subject of a token without jti or session', async () => {
    // Prepare
    const checker = createChecker();
    // Act
    await checker.check(verifiedClaims({ jti: undefined }));
    // Assert
    expect(store.lookups).toEqual([[SUB_KEY]]);
  });

  it.each([
    { name: 'a revoked jti', key: JTI_KEY, record: { revokedBefore: undefined, expiresAt: 1_800_000_600 } },
    { name: 'a revoked session', key: SESSION_KEY, record: { revokedBefore: undefined, expiresAt: 1_800_000_600 } },
  ])('reports $name as revoked', async ({ key, record }) => {
    // Prepare
    store.records.set(key, record);
    const checker = createChecker();
    // Act
    const outcome = await counted(checker, verifiedClaims({ originJti: 'session-1' }));
    // Assert
    expect(outcome.revoked).toBe(true);
  });

  it.each([
    { name: 'issued before revokedBefore', iat: NOW_S - 60, revokedBefore: NOW_S - 30, revoked: true },
    { name: 'issued exactly at revokedBefore', iat: NOW_S - 30, revokedBefore: NOW_S - 30, revoked: false },
    { name: 'issued after revokedBefore', iat: NOW_S - 10, revokedBefore: NOW_S - 30, revoked: false },
    { name: 'without iat', iat: undefined, revokedBefore: NOW_S - 30, revoked: true },
    { name: 'against a subject item without revokedBefore', iat: NOW_S - 10, revokedBefore: undefined, revoked: true },
  ])('treats a token $name as revoked: $revoked', async ({ iat, revokedBefore, revoked }) => {
    // Prepare
    store.records.set(SUB_KEY, { revokedBefore, expiresAt: NOW_S + 3600 });
    const checker = createChecker();
    // Act
    const outcome = await counted(checker, verifiedClaims({ iat }));
    // Assert
    expect(outcome.revoked).toBe(revoked);
  });

  it('keeps a revoked jti revoked from the cache until the token expires', async () => {
    // Prepare
    store.records.set(JTI_KEY, { revokedBefore: undefined, expiresAt: NOW_S + 500 });
    const checker = createChecker();
    const claims = verifiedClaims({ exp: NOW_S + 500 });
    await checker.check(claims);
    store.records.clear();
    nowMs += 499_000;
    // Act
    const beforeExpiry = await counted(checker, claims);
    // Assert
    expect(beforeExpiry).toMatchObject({ revoked: true, cacheHits: 1 });
    expect(store.lookups.at(-1)).toEqual([SUB_KEY]);
  });

  it('trusts a not-revoked answer for the window, then reads it again', async () => {
    // Prepare
    const checker = createChecker(30);
    const claims = verifiedClaims({ exp: NOW_S + 3600 });
    await checker.check(claims);
    store.records.set(JTI_KEY, { revokedBefore: undefined, expiresAt: NOW_S + 3600 });
    // Act
    nowMs += 29_999;
    const withinWindow = await counted(checker, claims);
    nowMs += 1;
    const afterWindow = await counted(checker, claims);
    // Assert
    expect(withinWindow).toEqual({ revoked: false, cacheHits: 2, storeReads: 0 });
    expect(afterWindow).toEqual({ revoked: true, cacheHits: 0, storeReads: 2 });
    expect(store.lookups).toHaveLength(2);
  });

  it('re-reads a subject item after the window, because a later sign-out moves it forward', async () => {
    // Prepare
    store.records.set(SUB_KEY, { revokedBefore: NOW_S - 600, expiresAt: NOW_S + 3600 });
    const checker = createChecker(30);
    const claims = verifiedClaims({ iat: NOW_S - 60, exp: NOW_S + 3600 });
    await checker.check(claims);
    store.records.set(SUB_KEY, { revokedBefore: NOW_S, expiresAt: NOW_S + 3600 });
    // Act
    nowMs += 30_000;
    const outcome = await counted(checker, claims);
    // Assert
    expect(outcome.revoked).toBe(true);
  });

  it('caches nothing when the window is zero', async () => {
    // Prepare
    const checker = createChecker(0);
    // Act
    await checker.check(verifiedClaims());
    const second = await counted(checker, verifiedClaims());
    // Assert
    expect(second).toEqual({ revoked: false, cacheHits: 0, storeReads: 2 });
    expect(store.lookups).toHaveLength(2);
  });

  it('fetches only the keys that are not cached', async () => {
    // Prepare
    const checker = createChecker();
    await checker.check(verifiedClaims({ jti: 'token-1' }));
    // Act
    const outcome = await counted(checker, verifiedClaims({ jti: 'token-2' }));
    // Assert
    expect(outcome).toEqual({ revoked: false, cacheHits: 1, storeReads: 1 });
    expect(store.lookups[1]).toEqual([revocationKey('jti', CLAIMS_ISSUER, 'token-2')]);
  });

  it('shares one lookup between concurrent checks of the same token', async () => {
    // Prepare
    store.records.set(JTI_KEY, { revokedBefore: undefined, expiresAt: NOW_S + 500 });
    store.hold();
    const checker = createChecker();
    // Act
    const checks = Promise.all([1, 2, 3].map(() => counted(checker, verifiedClaims())));
    store.release();
    const outcomes = await checks;
    // Assert
    expect(outcomes.map((outcome) => outcome.revoked)).toEqual([true, true, true]);
    expect(outcomes.map((outcome) => outcome.storeReads)).toEqual([2, 0, 0]);
    expect(store.lookups).toHaveLength(1);
  });

  it('lets a concurrent check of another token of the same subject wait for the shared subject key', async () => {
    // Prepare
    store.hold();
    const checker = createChecker();
    // Act
    const first = checker.check(verifiedClaims({ jti: 'token-1' }));
    const second = checker.check(verifiedClaims({ jti: 'token-2' }));
    store.release();
    await Promise.all([first, second]);
    // Assert
    expect(store.lookups).toEqual([[JTI_KEY, SUB_KEY], [revocationKey('jti', CLAIMS_ISSUER, 'token-2')]]);
  });

  it('propagates a store failure to every waiting check and caches nothing from it', async () => {
    // Prepare
    store.failure = new RevocationUnavailableError('revocation lookup failed: timeout');
    store.hold();
    const checker = createChecker();
    // Act
    const checks = [checker.check(verifiedClaims()), checker.check(verifiedClaims())];
    store.release();
    // Assert
    for (const check of checks) await expect(check).rejects.toThrow(RevocationUnavailableError);
    store.failure = undefined;
    await expect(counted(checker, verifiedClaims())).resolves.toEqual({ revoked: false, cacheHits: 0, storeReads: 2 });
    expect(store.lookups).toHaveLength(2);
  });

  it('records no counts for a check that could not answer', async () => {
    // Prepare
    store.failure = new RevocationUnavailableError('revocation lookup failed: timeout');
    const checker = createChecker();
    const counters = noCounts();
    // Act
    const check = checker.check(verifiedClaims(), counters);
    // Assert
    await expect(check).rejects.toThrow(RevocationUnavailableError);
    expect(counters).toEqual(noCounts());
  });

  describe('cachedOutcome', () => {
    it('answers without the store once every key of the token is cached', async () => {
      // Prepare
      const checker = createChecker();
      const claims = verifiedClaims({ originJti: 'session-1' });
      await checker.check(claims);
      // Act
      const outcome = countedFromCache(checker, claims);
      // Assert
      expect(outcome).toEqual({ revoked: false, cacheHits: 3, storeReads: 0 });
      expect(store.lookups).toHaveLength(1);
    });

    it.each([
      { name: 'a token never checked', prepare: async () => undefined },
      {
        name: 'a token whose not-revoked answers aged out of the window',
        prepare: async (checker: RevocationChecker) => {
          await checker.check(verifiedClaims());
          nowMs += 31_000;
        },
      },
      {
        name: 'a token of a known subject with a new jti',
        prepare: async (checker: RevocationChecker) => {
          await checker.check(verifiedClaims({ jti: 'token-0' }));
        },
      },
    ])('leaves $name to check()', async ({ prepare }) => {
      // Prepare
      const checker = createChecker();
      await prepare(checker);
      // Act
      const counters = noCounts();
      const outcome = checker.cachedOutcome(verifiedClaims(), counters);
      // Assert
      expect(outcome).toBeUndefined();
      expect(counters).toEqual(noCounts());
    });

    it.each([
      { name: 'the token', key: JTI_KEY, record: { revokedBefore: undefined, expiresAt: NOW_S + 600 } },
      { name: 'its subject before it was issued', key: SUB_KEY, record: { revokedBefore: 1_800_000_050, expiresAt: NOW_S + 86_400 } },
    ])('answers revoked from the cache when $name is revoked', async ({ key, record }) => {
      // Prepare
      store.records.set(key, record);
      const checker = createChecker();
      const claims = verifiedClaims();
      await checker.check(claims);
      // Act
      const outcome = countedFromCache(checker, claims);
      // Assert
      expect(outcome?.revoked).toBe(true);
    });
  });
});
