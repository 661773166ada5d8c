/**
 * A revocation feed held in memory, for unit tests of the follower and the checker: heads and
 * slots per region, written like the appender writes them; it counts reads, fails on demand, and
 * can hold its head reads until released (a feed slower than a request's deadline).
 */
import type { FeedEntry } from '../../lambdas/core/revocation-feed';
import { type FeedSlot, type RevocationFeedSource, slotId } from '../../lambdas/core/revocation-feed-reader';

/** The region the double says its table is in. */
export const FEED_OWN_REGION = 'us-east-1';

export class FakeFeed implements RevocationFeedSource {
  readonly heads_ = new Map<string, number>();
  readonly slots = new Map<string, FeedEntry>();
  readonly slotReads: FeedSlot[][] = [];
  headReads = 0;
  regionLookups = 0;
  failure: Error | undefined;
  regionFailure: Error | undefined;
  /** While set, head reads wait until {@link release}. */
  private held: Array<() => void> | undefined;

  /** Appends an entry to `region`'s feed, moving its head. */
  write(region: string, key: string, revokedBefore?: number): void {
    const seq = (this.heads_.get(region) ?? 0) + 1;
    this.slots.set(slotId(region, seq), { key, revokedBefore });
    this.heads_.set(region, seq);
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    for (const resume of this.held ?? []) resume();
    this.held = undefined;
  }

  async ownRegion(): Promise<string> {
    this.regionLookups++;
    if (this.regionFailure) throw this.regionFailure;
    return FEED_OWN_REGION;
  }

  async heads(regions: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.headReads++;
    const held = this.held;
    if (held) await new Promise<void>((resume) => held.push(resume));
    if (this.failure) throw this.failure;
    return new Map(regions.map((region) => [region, this.heads_.get(region) ?? 0]));
  }

  async entries(slots: readonly FeedSlot[]): Promise<ReadonlyMap<string, FeedEntry>> {
    this.slotReads.push([...slots]);
    const found = new Map<string, FeedEntry>();
    for (const { region, seq } of slots) {
      const entry = this.slots.get(slotId(region, seq));
      if (entry) found.set(slotId(region, seq), entry);
    }
    return found;
  }
}
