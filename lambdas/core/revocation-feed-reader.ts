/**
 * Reads the revocation feed (`revocation-feed.ts`): the heads of the followed regions in one
 * strongly consistent `BatchGetItem`, then the slots between what an instance has applied and the
 * heads, in strongly consistent batches of 100. Strong consistency is what makes "I have read
 * every slot up to the head I read" mean "I have seen every revocation whose write returned
 * before I read the head".
 *
 * Any failure — network, throttling, timeout, keys left unprocessed — rejects: the follower then
 * keeps its place and the authorizer falls back to per-token reads.
 */
import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FEED_ATTRIBUTES, feedHeadKey, feedSlotKey, type FeedEntry } from './revocation-feed';
import { REVOCATION_ATTRIBUTES } from './revocation-table';

const { partitionKey } = REVOCATION_ATTRIBUTES;
/** DynamoDB's limit on keys per `BatchGetItem`. */
const BATCH_KEYS = 100;

/** One slot to read. */
export interface FeedSlot {
  readonly region: string;
  readonly seq: number;
}

/** What the follower needs from the table. */
export interface RevocationFeedSource {
  /** The region whose feed this instance's writers write: the default followed region. */
  ownRegion(): Promise<string>;
  /** Each region's head (0 when it has none yet). */
  heads(regions: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, number>>;
  /** The entries of the slots that exist, keyed `<region>#<seq>` ({@link slotId}). */
  entries(slots: readonly FeedSlot[], signal?: AbortSignal): Promise<ReadonlyMap<string, FeedEntry>>;
}

/** The map key of a slot in {@link RevocationFeedSource.entries}' answer. */
export function slotId(region: string, seq: number): string {
  return `${region}#${seq}`;
}

export class DynamoDbRevocationFeed implements RevocationFeedSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  ownRegion(): Promise<string> {
    return this.client.config.region();
  }

  async heads(regions: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, number>> {
    const byKey = new Map(regions.map((region) => [feedHeadKey(region), region]));
    const items = await this.batchGet([...byKey.keys()], signal);
    const heads = new Map<string, number>(regions.map((region) => [region, 0]));
    for (const [key, item] of items) {
      const region = byKey.get(key);
      const seq = Number(item[FEED_ATTRIBUTES.seq]?.N);
      if (region !== undefined && Number.isSafeInteger(seq) && seq > 0) heads.set(region, seq);
    }
    return heads;
  }

  async entries(slots: readonly FeedSlot[], signal?: AbortSignal): Promise<ReadonlyMap<string, FeedEntry>> {
    const byKey = new Map(slots.map((slot) => [feedSlotKey(slot.region, slot.seq), slotId(slot.region, slot.seq)]));
    const keys = [...byKey.keys()];
    const batches: Promise<Map<string, Record<string, AttributeValue>>>[] = [];
    for (let start = 0; start < keys.length; start += BATCH_KEYS)
      batches.push(this.batchGet(keys.slice(start, start + BATCH_KEYS), signal));
    const found = new Map<string, FeedEntry>();
    for (const items of await Promise.all(batches)) {
      for (const [key, item] of items) {
        const id = byKey.get(key);
        const entry = item[FEED_ATTRIBUTES.entry]?.S;
        if (id === undefined || entry === undefined) continue;
        const before = Number(item[FEED_ATTRIBUTES.revokedBefore]?.N);
        found.set(id, { key: entry, revokedBefore: item[FEED_ATTRIBUTES.revokedBefore] && Number.isFinite(before) ? before : undefined });
      }
    }
    return found;
  }

  private async batchGet(keys: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, Record<string, AttributeValue>>> {
    const response = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tableName]: { Keys: keys.map((key) => ({ [partitionKey]: { S: key } })), ConsistentRead: true } },
      }),
      { abortSignal: signal },
    );
    if ((response.UnprocessedKeys?.[this.tableName]?.Keys?.length ?? 0) > 0)
      throw new Error('revocation feed read left keys unprocessed (throttled)');
    const items = new Map<string, Record<string, AttributeValue>>();
    for (const item of response.Responses?.[this.tableName] ?? []) {
      const key = item[partitionKey]?.S;
      if (key !== undefined) items.set(key, item);
    }
    return items;
  }
}
