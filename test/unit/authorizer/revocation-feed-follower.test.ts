/**
 * The revocation feed follower against a feed double: how an epoch starts and why it restarts
 * (first poll, head moved back, too far behind, idle beyond retention, a slot gone, entries
 * overflowed), what it hands the listener, and what a failing feed leaves it with: its place kept,
 * `ensure` answering false at once within the interval (callers fall back to per-token reads),
 * and a retry after it. The dynalite-backed behaviour is in test/integration/revocation-feed.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type FeedEvent, type FeedListener, RevocationFeedFollower } from '../../../lambdas/authorizer/revocation-feed-follower';
import type { FeedEntry } from '../../../lambdas/core/revocation-feed';
import { slotId } from '../../../lambdas/core/revocation-feed-reader';
import { FakeFeed, FEED_OWN_REGION } from '../../helpers/fake-revocation-feed';

const POLL_MS = 1000;
const RETENTION_MS = 3_600_000;
const OWN = FEED_OWN_REGION;
const OTHER = 'eu-west-1';

/** A listener recording what it is handed. */
class Recorder implements FeedListener {
  readonly entries: FeedEntry[] = [];
  restarts = 0;
  onEntries(entries: readonly FeedEntry[]): void {
    this.entries.push(...entries);
  }
  onRestart(): void {
    this.restarts++;
  }
}

let nowMs: number;
let feed: FakeFeed;
let listener: Recorder;
let events: FeedEvent[];

function createFollower(options: { regions?: readonly string[]; maxCatchUpEntries?: number } = {}): RevocationFeedFollower {
  const follower = new RevocationFeedFollower({
    source: feed,
    regions: options.regions,
    now: () => nowMs,
    deadlineMs: 500,
    pollIntervalMs: POLL_MS,
    retentionMs: RETENTION_MS,
    maxCatchUpEntries: options.maxCatchUpEntries ?? 1000,
    onEvent: (event) => events.push(event),
  });
  follower.listen(listener);
  return follower;
}

/** Asks for a poll started after now, as a request arriving now does. */
function poll(follower: RevocationFeedFollower): Promise<boolean> {
  nowMs += POLL_MS;
  return follower.ensure(nowMs - 1, nowMs);
}

const startReasons = (): string[] => events.flatMap((event) => (event.kind === 'started' ? [event.reason] : []));

beforeEach(() => {
  nowMs = 1_800_000_000_000;
  feed = new FakeFeed();
  listener = new Recorder();
  events = [];
});

describe('revocation-feed-follower: epochs', () => {
  it('starts its first epoch at the current heads, handing over nothing older', async () => {
    // Prepare
    feed.write(OWN, 'jti#i#old');
    const follower = createFollower();
    // Act
    const current = await poll(follower);
    // Assert
    expect(current).toBe(true);
    expect({ live: follower.live, epoch: follower.epoch, coverage: follower.coverage }).toEqual({ live: true, epoch: 1, coverage: nowMs });
    expect(startReasons()).toEqual(['first poll']);
    expect(listener).toMatchObject({ entries: [], restarts: 1 });
    expect(feed.slotReads).toEqual([]);
  });

  it('hands over every entry written since, in order, reading only the slots between', async () => {
    // Prepare
    const follower = createFollower();
    await poll(follower);
    feed.write(OWN, 'jti#i#1');
    feed.write(OWN, 'sub#i#alice', 1_700_000_000);
    // Act
    await poll(follower);
    await poll(follower);
    // Assert
    expect(listener.entries).toEqual([
      { key: 'jti#i#1', revokedBefore: undefined },
      { key: 'sub#i#alice', revokedBefore: 1_700_000_000 },
    ]);
    expect(feed.slotReads).toEqual([
      [
        { region: OWN, seq: 1 },
        { region: OWN, seq: 2 },
      ],
    ]);
    expect(events.at(-1)).toEqual({ kind: 'caught-up', entries: 2, heads: { [OWN]: 2 } });
    expect(follower.epoch).toBe(1);
  });

  it('follows the regions it is given, each from its own head', async () => {
    // Prepare
    const follower = createFollower({ regions: [OWN, OTHER] });
    await poll(follower);
    feed.write(OTHER, 'jti#i#from-europe');
    // Act
    await poll(follower);
    // Assert
    expect(listener.entries.map((entry) => entry.key)).toEqual(['jti#i#from-europe']);
    expect(feed.slotReads).toEqual([[{ region: OTHER, seq: 1 }]]);
  });

  it.each([
    {
      reason: 'head moved back',
      between: () => {
        feed.heads_.set(OWN, 0); // the table was recreated
      },
    },
    {
      reason: 'too far behind',
      between: () => {
        for (let index = 0; index < 3; index++) feed.write(OWN, `jti#i#${index}`);
      },
    },
    {
      reason: 'idle beyond retention',
      between: () => {
        feed.write(OWN, 'jti#i#1');
        nowMs += RETENTION_MS;
      },
    },
    {
      reason: 'slot missing',
      between: () => {
        feed.write(OWN, 'jti#i#1');
        feed.slots.clear(); // expired before it was read
      },
    },
  ])('starts a new epoch when the $reason, handing over nothing it cannot vouch for', async ({ reason, between }) => {
    // Prepare
    feed.write(OWN, 'jti#i#0');
    const follower = createFollower({ maxCatchUpEntries: 2 });
    await poll(follower);
    between();
    // Act
    const current = await poll(follower);
    // Assert
    expect(current).toBe(true);
    expect(startReasons()).toEqual(['first poll', reason]);
    expect(follower.epoch).toBe(2);
    expect(listener).toMatchObject({ entries: [], restarts: 2 });
  });

  it("waits for another region's slot that has not replicated yet, instead of restarting", async () => {
    // Prepare
    const follower = createFollower({ regions: [OWN, OTHER] });
    await poll(follower);
    feed.write(OTHER, 'jti#i#1');
    feed.write(OTHER, 'jti#i#2');
    const second = feed.slots.get(slotId(OTHER, 2)) as FeedEntry;
    feed.slots.delete(slotId(OTHER, 1));
    const first = { key: 'jti#i#1', revokedBefore: undefined };
    // Act
    await poll(follower);
    const handedBeforeReplication = listener.entries.length;
    feed.slots.set(slotId(OTHER, 1), first);
    await poll(follower);
    // Assert
    expect(handedBeforeReplication).toBe(0);
    expect(listener.entries).toEqual([first, second]);
    expect(follower.epoch).toBe(1);
  });

  it('starts a new epoch on the next poll after the listener abandons this one', async () => {
    // Prepare
    const follower = createFollower();
    await poll(follower);
    // Act
    follower.abandon('entries overflowed');
    const currentWhileAbandoned = follower.isCurrent(nowMs - 1);
    await poll(follower);
    // Assert
    expect(currentWhileAbandoned).toBe(false);
    expect(startReasons()).toEqual(['first poll', 'entries overflowed']);
    expect(follower.live).toBe(true);
  });
});

describe('revocation-feed-follower: a failing feed', () => {
  it('answers false, keeps its place, and answers false at once within the interval instead of reading again', async () => {
    // Prepare
    const follower = createFollower();
    await poll(follower);
    feed.write(OWN, 'jti#i#1');
    feed.failure = new Error('ProvisionedThroughputExceededException');
    // Act
    const failed = await poll(follower);
    const readsAfterFailure = feed.headReads;
    nowMs += POLL_MS - 1;
    const withinInterval = await follower.ensure(nowMs - 1, nowMs);
    // Assert
    expect(failed).toBe(false);
    expect(withinInterval).toBe(false);
    expect(feed.headReads).toBe(readsAfterFailure);
    expect(events.at(-1)).toEqual({ kind: 'failed', error: feed.failure });
    expect(follower.epoch).toBe(1);
  });

  it('catches up from where it was once the feed answers again, without a new epoch', async () => {
    // Prepare
    const follower = createFollower();
    await poll(follower);
    feed.write(OWN, 'jti#i#1');
    feed.failure = new Error('timeout');
    await poll(follower);
    feed.failure = undefined;
    nowMs += 1; // past the interval in which the failed poll started
    // Act
    const recovered = await poll(follower);
    // Assert
    expect(recovered).toBe(true);
    expect(listener.entries.map((entry) => entry.key)).toEqual(['jti#i#1']);
    expect(follower.epoch).toBe(1);
  });

  it('looks its region up again on the next poll when the lookup failed', async () => {
    // Prepare
    feed.regionFailure = new Error('region unavailable');
    const follower = createFollower();
    const failed = await poll(follower);
    feed.regionFailure = undefined;
    nowMs += 1; // past the interval in which the failed poll started
    // Act
    const recovered = await poll(follower);
    // Assert
    expect([failed, recovered]).toEqual([false, true]);
    expect(feed.regionLookups).toBe(2);
  });

  it('shares one poll between requests arriving while it is in flight', async () => {
    // Prepare
    const follower = createFollower();
    nowMs += POLL_MS;
    // Act
    const answers = await Promise.all([1, 2, 3].map(() => follower.ensure(nowMs - 1, nowMs)));
    // Assert
    expect(answers).toEqual([true, true, true]);
    expect(feed.headReads).toBe(1);
  });
});
