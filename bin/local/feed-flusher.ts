/**
 * The local stack's cache flusher. dynalite has no streams, so the part DynamoDB Streams and the
 * flusher Lambda play in AWS is played here by following the revocation feed's head (every
 * 200 ms): each new entry is logged (`revocation feed: …`) and flushes the emulated API Gateway
 * authorizer cache on the same schedule as the Lambda (`lambdas/flusher/flush-schedule.ts`: one
 * feed poll interval after the revocation was seen, at most once a second).
 *
 * The first poll is made, and awaited, before the stack serves a request: the follower starts its
 * epoch from the heads that poll reads, so a revocation written before it would be taken as
 * already seen and never flush the cache. With a timer alone, a token used and revoked within the
 * first 200 ms stayed allowed from the cache for its whole TTL.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DecisionLogger } from '../../lambdas/authorizer/decision-log';
import { RevocationFeedFollower } from '../../lambdas/authorizer/revocation-feed-follower';
import { CACHE_FLUSH_SETTINGS, REVOCATION_FEED_SETTINGS } from '../../lambdas/core/config/defaults';
import { DynamoDbRevocationFeed } from '../../lambdas/core/revocation-feed-reader';
import { FlushSchedule } from '../../lambdas/flusher/flush-schedule';

const FOLLOW_EVERY_MS = 200;

export interface FeedFlusherOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Flushes the emulated cache. */
  readonly flush: () => void;
  readonly logger: DecisionLogger;
}

/** Starts following once the first poll has read the heads; the returned function stops it, once no poll is in flight. */
export async function startFeedFlusher(options: FeedFlusherOptions): Promise<() => Promise<void>> {
  const follower = new RevocationFeedFollower({
    source: new DynamoDbRevocationFeed(options.client, options.tableName),
    now: Date.now,
    deadlineMs: 2000,
    pollIntervalMs: FOLLOW_EVERY_MS,
    retentionMs: REVOCATION_FEED_SETTINGS.retentionSeconds * 1000,
    maxCatchUpEntries: REVOCATION_FEED_SETTINGS.maxCatchUpEntries,
  });
  const schedule = new FlushSchedule<'local'>({
    keyOf: () => 'local',
    flush: async () => {
      options.flush();
      options.logger.info('API Gateway cache flushed', {});
    },
    delayMs: CACHE_FLUSH_SETTINGS.delayMs,
    minIntervalMs: CACHE_FLUSH_SETTINGS.minIntervalMs,
  });
  follower.listen({
    onEntries: (entries, seenAt) => {
      for (const entry of entries) options.logger.info('revocation feed: caught up', { key: entry.key });
      void schedule.request(['local'], seenAt);
    },
    onRestart: () => undefined,
  });
  let latest: Promise<boolean> = Promise.resolve(true);
  const poll = (): Promise<boolean> => {
    latest = follower.ensure(Date.now() - 1, Date.now());
    return latest;
  };
  await poll();
  const timer = setInterval(() => void poll(), FOLLOW_EVERY_MS);
  timer.unref();
  // Waits for the last poll (ensure never rejects), so the client is not destroyed under it.
  return async () => {
    clearInterval(timer);
    await latest;
  };
}
