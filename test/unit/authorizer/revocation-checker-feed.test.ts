/**
 * The revocation checker while it follows the feed, and when the feed or the store fails: answers
 * kept current by the feed past the window, feed entries that revoke cached keys at once, a feed
 * that cannot be read (or not within the deadline) falling back to the window and per-token reads,
 * a store slower than the deadline ending in RevocationUnavailableError (the handler's
 * `revocation_unavailable` deny), and an instance overwhelmed by entries giving up its epoch
 * rather than vouching for answers it can no longer keep current.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RevocationChecker, type RevocationCounters } from '../../../lambdas/authorizer/revocation-checker';
import { RevocationFeedFollower } from '../../../lambdas/authorizer/revocation-feed-follower';
import { RevocationUnavailableError } from '../../../lambdas/authorizer/revocation-store';
import { revocationKey } from '../../../lambdas/core/revocation-table';
import { CLAIMS_ISSUER, verifiedClaims } from '../../helpers/claims';
import { FakeStore } from '../../helpers/fake-revocation-store';
import { FakeFeed, FEED_OWN_REGION } from '../../helpers/fake-revocation-feed';

const NOW_S = 1_800_000_100;
const POLL_MS = 1000;
const WINDOW_S = 30;
const DEADLINE_MS = 50;
const JTI_KEY = revocationKey('jti', CLAIMS_ISSUER, 'token-1');
const SUB_KEY = revocationKey('sub', CLAIMS_ISSUER, 'alice');

let nowMs: number;
let store: FakeStore;
let feed: FakeFeed;
let follower: RevocationFeedFollower;

function createChecker(maxRetainedEntries = 100): RevocationChecker {
  follower = new RevocationFeedFollower({
    source: feed,
    now: () => nowMs,
    deadlineMs: DEADLINE_MS,
    pollIntervalMs: POLL_MS,
    retentionMs: 3_600_000,
    maxCatchUpEntries: 1000,
  });
  return new RevocationChecker(store, {
    notRevokedCacheSeconds: WINDOW_S,
    maxEntries: 100,
    now: () => nowMs,
    deadlineMs: DEADLINE_MS,
    feed: follower,
    pollIntervalMs: POLL_MS,
    maxRetainedEntries,
  });
}

const noCounts = (): RevocationCounters => ({ revocationCacheHits: 0, revocationStoreReads: 0 });

beforeEach(() => {
  nowMs = NOW_S * 1000;
  store = new FakeStore();
  feed = new FakeFeed();
});

describe('revocation-checker following the feed', () => {
  it('keeps an answer current past the window while the feed is read, costing one head read per interval', async () => {
    // Prepare
    const checker = createChecker();
    const claims = verifiedClaims();
    await checker.check(claims);
    // Act
    nowMs += (WINDOW_S + 60) * 1000;
    const counters = noCounts();
    const revoked = await checker.check(claims, counters);
    // Assert
    expect(revoked).toBe(false);
    expect(counters).toEqual({ revocationCacheHits: 2, revocationStoreReads: 0 });
    expect(store.lookups).toHaveLength(1);
    expect(feed.headReads).toBe(2);
  });

  it('answers from the cache alone while the last feed read is within the interval, and leaves the rest to check()', async () => {
    // Prepare
    const checker = createChecker();
    const claims = verifiedClaims();
    await checker.check(claims);
    // Act
    nowMs += POLL_MS - 1;
    const withinInterval = checker.cachedOutcome(claims);
    nowMs += 1;
    const feedDue = checker.cachedOutcome(claims);
    // Assert
    expect(withinInterval).toBe(false);
    expect(feedDue).toBeUndefined();
  });

  it.each([
    { name: 'a token', key: JTI_KEY, revokedBefore: undefined },
    { name: 'a subject signed out after the token was issued', key: SUB_KEY, revokedBefore: NOW_S },
  ])(
    'refuses a cached token once the feed hands over the revocation of $name, without reading the store',
    async ({ key, revokedBefore }) => {
      // Prepare
      const checker = createChecker();
      const claims = verifiedClaims({ iat: NOW_S - 60 });
      await checker.check(claims);
      feed.write(FEED_OWN_REGION, key, revokedBefore);
      // Act
      nowMs += POLL_MS;
      const revoked = await checker.check(claims);
      // Assert
      expect(revoked).toBe(true);
      expect(checker.cachedOutcome(claims)).toBe(true);
      expect(store.lookups).toHaveLength(1);
    },
  );

  it.each([
    { name: 'raises a cached cut-off', stored: { revokedBefore: NOW_S - 600, expiresAt: NOW_S + 3600 }, entry: NOW_S, revoked: true },
    { name: 'never lowers a cached cut-off', stored: { revokedBefore: NOW_S, expiresAt: NOW_S + 3600 }, entry: NOW_S - 600, revoked: true },
    {
      name: 'without a cut-off revokes every token of the subject',
      stored: { revokedBefore: NOW_S - 600, expiresAt: NOW_S + 3600 },
      entry: undefined,
      revoked: true,
    },
    {
      name: 'leaves a subject item without cut-off revoking every token',
      stored: { revokedBefore: undefined, expiresAt: NOW_S + 3600 },
      entry: NOW_S - 600,
      revoked: true,
    },
  ])('a subject entry on the feed $name', async ({ stored, entry, revoked }) => {
    // Prepare
    store.records.set(SUB_KEY, stored);
    const checker = createChecker();
    const claims = verifiedClaims({ iat: NOW_S - 60 });
    await checker.check(claims);
    feed.write(FEED_OWN_REGION, SUB_KEY, entry);
    // Act
    nowMs += POLL_MS;
    const outcome = await checker.check(claims);
    // Assert
    expect(outcome).toBe(revoked);
  });
});

describe('revocation-checker when the feed or the store fails', () => {
  it('falls back to the window when the feed cannot be read, then reads the token again once the window has passed', async () => {
    // Prepare
    const checker = createChecker();
    const claims = verifiedClaims();
    await checker.check(claims);
    feed.failure = new Error('ProvisionedThroughputExceededException');
    store.records.set(JTI_KEY, { revokedBefore: undefined, expiresAt: NOW_S + 3600 });
    // Act
    nowMs += (WINDOW_S - 1) * 1000;
    const withinWindow = await checker.check(claims);
    nowMs += 1000;
    const afterWindow = await checker.check(claims);
    // Assert
    expect([withinWindow, afterWindow]).toEqual([false, true]);
    expect(store.lookups).toHaveLength(2);
  });

  it('stops waiting for a feed slower than the deadline and decides on a per-token read', async () => {
    // Prepare
    const checker = createChecker();
    const claims = verifiedClaims();
    store.records.set(JTI_KEY, { revokedBefore: undefined, expiresAt: NOW_S + 3600 });
    feed.hold();
    // Act
    const revoked = await checker.check(claims);
    feed.release();
    // Assert
    expect(revoked).toBe(true);
    expect(store.lookups).toEqual([[JTI_KEY, SUB_KEY]]);
  });

  it('rejects with RevocationUnavailableError when the store answers later than the deadline', async () => {
    // Prepare
    const checker = createChecker();
    store.hold();
    // Act
    const check = checker.check(verifiedClaims());
    // Assert
    await expect(check).rejects.toThrow(new RevocationUnavailableError(`revocation lookup took longer than ${DEADLINE_MS} ms`));
    store.release();
  });

  it('rejects with RevocationUnavailableError when the store is down and the feed is too', async () => {
    // Prepare
    const checker = createChecker();
    feed.failure = new Error('connect ECONNREFUSED');
    store.failure = new RevocationUnavailableError('revocation lookup failed: connect ECONNREFUSED');
    // Act
    const check = checker.check(verifiedClaims());
    // Assert
    await expect(check).rejects.toThrow(RevocationUnavailableError);
  });

  it('gives up its epoch when more entries arrive than it may keep, judging answers by the window until a new one starts', async () => {
    // Prepare
    const checker = createChecker(2);
    const claims = verifiedClaims();
    await checker.check(claims);
    for (const jti of ['a', 'b', 'c']) feed.write(FEED_OWN_REGION, revocationKey('jti', CLAIMS_ISSUER, jti));
    // Act
    nowMs += POLL_MS;
    await checker.check(claims);
    const liveAfterOverflow = follower.live;
    nowMs += POLL_MS;
    await checker.check(claims);
    // Assert
    expect(liveAfterOverflow).toBe(false);
    expect(follower.live).toBe(true);
    expect(follower.epoch).toBe(2);
  });
});
