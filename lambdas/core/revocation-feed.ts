/**
 * The revocation feed's schema: the items that tell every warm authorizer instance, within about a
 * second, which revocation rows were written since it last looked — so a per-token "not revoked"
 * answer never goes stale while the instance follows the feed.
 *
 * The feed lives in the revocation table beside the rows (partition key `pk` only; no schema
 * change), one numbered item per announced revocation, per region the writer wrote in:
 * - `feed#<region>#head`: `seq`, the highest slot whose entry is written. Never expires.
 * - `feed#<region>#<n>`: slot n; `entry` names the revocation key, `revokedBefore` carries a subject
 *   revocation's cut-off; `expiresAt` (TTL) lets DynamoDB delete it after the retention.
 *
 * Slots are per region because a global table replicates an item as a whole, last writer wins:
 * two regions numbering one shared sequence would overwrite each other's entries. Each region's
 * writers number their own; readers follow the regions configured (`revocation.feedRegions`).
 *
 * How writers and readers agree without transactions or clocks (the protocol's proof is in
 * docs/revocation.md, "The revocation feed"):
 * 1. a writer writes the revocation row first;
 * 2. then claims the lowest free slot above the head it read (a conditional put of the entry,
 *    `attribute_not_exists`), so every slot up to any value the head ever holds is written;
 * 3. then moves the head up to its slot (never down), and only then returns.
 * A reader that reads the head (strongly consistent) and every slot up to it has therefore seen
 * every revocation whose write returned before that read, and every row of a slot at or below a
 * head it starts from was written before it started.
 */
import { REVOCATION_ATTRIBUTES } from './revocation-table';

/** Attribute names of feed items (the TTL attribute is the table's, `expiresAt`). */
export const FEED_ATTRIBUTES = {
  /** On the head: the highest written slot. */
  seq: 'seq',
  /** On a slot: the revocation key announced. */
  entry: 'entry',
  /** On a slot of a subject revocation: its cut-off (the row's attribute name). */
  revokedBefore: REVOCATION_ATTRIBUTES.revokedBefore,
  expiresAt: REVOCATION_ATTRIBUTES.expiresAt,
} as const;

/** Every feed item's key starts with this; no revocation key does. */
export const FEED_KEY_PREFIX = 'feed#';

/** What one slot announces: this key was revoked (a subject's, up to this cut-off). */
export interface FeedEntry {
  readonly key: string;
  /** Subject revocations: tokens issued before this epoch second are revoked; absent: every token. */
  readonly revokedBefore: number | undefined;
}

const REGION = /^[a-z0-9-]{1,64}$/;

/** True for a name usable as a feed's region (AWS region names, or a local stand-in). */
export function isFeedRegion(region: string): boolean {
  return REGION.test(region);
}

function checkedRegion(region: string): string {
  if (!isFeedRegion(region)) throw new RangeError(`"${region}" cannot name a revocation feed (lower-case letters, digits and dashes)`);
  return region;
}

/** The key of a region's feed head. */
export function feedHeadKey(region: string): string {
  return `${FEED_KEY_PREFIX}${checkedRegion(region)}#head`;
}

/** The key of slot `seq` of a region's feed. */
export function feedSlotKey(region: string, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`feed slots are numbered from 1, got ${seq}`);
  return `${FEED_KEY_PREFIX}${checkedRegion(region)}#${seq}`;
}
