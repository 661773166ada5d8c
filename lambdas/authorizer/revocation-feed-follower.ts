/**
 * Follows the revocation feed (`../core/revocation-feed.ts`) for one authorizer instance: at most
 * one strongly consistent read of the heads per poll interval, and only while requests ask for it
 * (none while idle); the slots between what it applied and the heads only when a head moved.
 *
 * It hands every entry it reads to its listener (the revocation checker's cache) and keeps the
 * instant its last successful poll STARTED — its coverage: every revocation whose write returned
 * before that instant has been handed over. A request is decided on a coverage that started at most
 * one poll interval before the request arrived, which is the instance's revocation bound.
 *
 * An epoch is one unbroken stretch of following. It restarts from the current heads — so the
 * listener must stop treating older answers as current — when the instance cannot tell what it
 * missed: on the first poll, after an idle gap longer than the slots' retention, when it is more
 * than `maxCatchUpEntries` behind, or when a slot it needs is gone. A failed poll does not restart
 * it: the instance keeps its place and catches up on the next poll, meanwhile its caller falls back.
 */
import type { FeedEntry } from '../core/revocation-feed';
import { slotId, type FeedSlot, type RevocationFeedSource } from '../core/revocation-feed-reader';

/** Receives what the follower reads. */
export interface FeedListener {
  /** Entries read by a poll that finished at `seenAt`. */
  onEntries(entries: readonly FeedEntry[], seenAt: number): void;
  /** A new epoch began: answers read before it are no longer kept current. */
  onRestart(): void;
}

/** Why an epoch began. */
export type RestartReason =
  | 'first poll'
  | 'idle beyond retention'
  | 'too far behind'
  | 'slot missing'
  | 'head moved back'
  | 'entries overflowed';

/** What the follower reports, for logs. */
export type FeedEvent =
  | { readonly kind: 'started'; readonly reason: RestartReason; readonly heads: Readonly<Record<string, number>> }
  | { readonly kind: 'caught-up'; readonly entries: number; readonly heads: Readonly<Record<string, number>> }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface FeedFollowerOptions {
  readonly source: RevocationFeedSource;
  /** Regions whose feeds to follow. Default: the table's own region only. */
  readonly regions?: readonly string[];
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Bound on one poll, both reads together. */
  readonly deadlineMs: number;
  readonly pollIntervalMs: number;
  readonly retentionMs: number;
  readonly maxCatchUpEntries: number;
  readonly onEvent?: (event: FeedEvent) => void;
}

interface Poll {
  readonly startedAt: number;
  readonly done: Promise<boolean>;
}

export class RevocationFeedFollower {
  /** Increases at every (re)start; answers remember the epoch they were read in. */
  epoch = 0;
  /** Following: an epoch has started and not been abandoned. */
  live = false;
  /** When the last successful poll of this epoch started (its head read was sent). */
  coverage = Number.NEGATIVE_INFINITY;
  private listener: FeedListener | undefined;
  private readonly applied = new Map<string, number>();
  private inflight: Poll | undefined;
  private failedAt: number | undefined;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private regionsOnce: Promise<{ own: string; regions: readonly string[] }> | undefined;
  private restartReason: RestartReason = 'first poll';

  constructor(private readonly options: FeedFollowerOptions) {}

  /** Where entries go; set once, by the checker that owns the cache. */
  listen(listener: FeedListener): void {
    this.listener = listener;
  }

  /** The feed has been read by a poll that started after `since` (strictly: see the checker). */
  isCurrent(since: number): boolean {
    return this.live && this.coverage > since;
  }

  /**
   * Makes sure a poll started after `since` has succeeded — joining one in flight, or
   * starting one — and resolves whether it did. Resolves `false` at once when a poll attempted within
   * the last interval (request time `at`) failed: callers then fall back instead of each waiting on
   * a failing table. Never rejects.
   */
  async ensure(since: number, at: number): Promise<boolean> {
    for (let round = 0; round < 3; round++) {
      if (this.isCurrent(since)) return true;
      const inflight = this.inflight;
      if (inflight) {
        const succeeded = await inflight.done;
        if (inflight.startedAt > since) return succeeded && this.isCurrent(since);
        continue;
      }
      if (this.failedAt !== undefined && this.failedAt >= at - this.options.pollIntervalMs) return false;
      this.startPoll();
    }
    return this.isCurrent(since);
  }

  private startPoll(): void {
    const startedAt = this.options.now();
    const poll: Poll = { startedAt, done: this.poll(startedAt) };
    this.inflight = poll;
    void poll.done.finally(() => {
      if (this.inflight === poll) this.inflight = undefined;
    });
  }

  private async poll(startedAt: number): Promise<boolean> {
    const signal = AbortSignal.timeout(this.options.deadlineMs);
    try {
      const { own, regions } = await this.regions();
      const heads = await this.options.source.heads(regions, signal);
      if (!this.live) return this.restart(heads, startedAt, this.restartReason);
      const slots: FeedSlot[] = [];
      for (const region of regions) {
        const head = heads.get(region) ?? 0;
        const applied = this.applied.get(region) ?? 0;
        if (head < applied) return this.restart(heads, startedAt, 'head moved back');
        for (let seq = applied + 1; seq <= head; seq++) slots.push({ region, seq });
      }
      if (slots.length > 0) {
        // Slots older than the retention may be gone: an instance idle that long starts afresh.
        if (startedAt - this.lastSuccessAt > this.options.retentionMs) return this.restart(heads, startedAt, 'idle beyond retention');
        if (slots.length > this.options.maxCatchUpEntries) return this.restart(heads, startedAt, 'too far behind');
        const found = await this.options.source.entries(slots, signal);
        const entries: FeedEntry[] = [];
        for (const region of regions) {
          const head = heads.get(region) ?? 0;
          let seq = (this.applied.get(region) ?? 0) + 1;
          for (; seq <= head; seq++) {
            const entry = found.get(slotId(region, seq));
            if (entry) {
              entries.push(entry);
              continue;
            }
            // Every slot up to a head read in its own region is written; one missing was deleted.
            if (region === own) return this.restart(heads, startedAt, 'slot missing');
            // Another region's slot may not have replicated yet: stop there and read it next time.
            break;
          }
          this.applied.set(region, seq - 1);
        }
        this.listener?.onEntries(entries, this.options.now());
        this.options.onEvent?.({ kind: 'caught-up', entries: entries.length, heads: Object.fromEntries(heads) });
      }
      return this.succeeded(startedAt);
    } catch (error) {
      this.failedAt = startedAt;
      this.options.onEvent?.({ kind: 'failed', error });
      return false;
    }
  }

  /** Abandons the epoch: the next poll starts a new one. For the listener when it cannot keep up. */
  abandon(reason: RestartReason): void {
    this.live = false;
    this.restartReason = reason;
  }

  private restart(heads: ReadonlyMap<string, number>, startedAt: number, reason: RestartReason): boolean {
    this.applied.clear();
    for (const [region, head] of heads) this.applied.set(region, head);
    this.epoch++;
    this.live = true;
    this.listener?.onRestart();
    this.options.onEvent?.({ kind: 'started', reason, heads: Object.fromEntries(heads) });
    return this.succeeded(startedAt);
  }

  private succeeded(startedAt: number): boolean {
    this.coverage = Math.max(this.coverage, startedAt);
    this.lastSuccessAt = Math.max(this.lastSuccessAt, startedAt);
    if (this.failedAt !== undefined && this.failedAt <= startedAt) this.failedAt = undefined;
    return true;
  }

  private regions(): Promise<{ own: string; regions: readonly string[] }> {
    if (!this.regionsOnce) {
      const lookup = this.options.source.ownRegion().then((own) => ({
        own,
        regions: this.options.regions && this.options.regions.length > 0 ? this.options.regions : [own],
      }));
      // A failed region lookup is retried on the next poll rather than remembered.
      lookup.catch(() => {
        if (this.regionsOnce === lookup) this.regionsOnce = undefined;
      });
      this.regionsOnce = lookup;
    }
    return this.regionsOnce;
  }
}
