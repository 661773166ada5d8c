/**
 * Appends entries to the revocation feed (`revocation-feed.ts`): the writer's half of the feed
 * protocol. {@link RevocationWriter} calls it after writing a row; the cache flusher calls it for
 * rows written by anything else (the DynamoDB console, an older writer).
 *
 * One append is three small requests — read the head, claim the next free slot, move the head up
 * — with no transaction (dynalite, which the tests and the local stack run on, has none) and no
 * clock: slots are claimed with `attribute_not_exists`, so two writers never share one, and the
 * head only ever moves up to a slot that is written. All of it under one deadline, so a writer's
 * longest write is known (`REVOCATION_FEED_SETTINGS.writeDeadlineMs`).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { REVOCATION_FEED_SETTINGS } from './config/defaults';
import { FEED_ATTRIBUTES, feedHeadKey, feedSlotKey, type FeedEntry } from './revocation-feed';
import { REVOCATION_ATTRIBUTES } from './revocation-table';

const { partitionKey } = REVOCATION_ATTRIBUTES;

export interface FeedAppenderOptions {
  /** Milliseconds since the epoch: only for the slots' TTL. */
  readonly now?: () => number;
  /** The feed's region. Default: the client's region (where the table it writes lives). */
  readonly region?: string;
}

export class RevocationFeedAppender {
  private readonly now: () => number;
  private regionOnce: Promise<string> | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: FeedAppenderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Announces `entry`; resolves to the slot it took. Rejects when the feed could not be written. */
  async append(entry: FeedEntry, signal?: AbortSignal): Promise<number> {
    const region = await this.region();
    const head = await this.readHead(region, signal);
    let slot = head + 1;
    // Claim the lowest free slot above the head: the conditional put is the claim.
    for (let probes = 0; ; probes++) {
      if (probes >= REVOCATION_FEED_SETTINGS.maxSlotProbes)
        throw new Error('revocation feed: no free slot found (too many concurrent writers)');
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              [partitionKey]: { S: feedSlotKey(region, slot) },
              [FEED_ATTRIBUTES.entry]: { S: entry.key },
              ...(entry.revokedBefore === undefined ? {} : { [FEED_ATTRIBUTES.revokedBefore]: { N: String(entry.revokedBefore) } }),
              [FEED_ATTRIBUTES.expiresAt]: { N: String(Math.floor(this.now() / 1000) + REVOCATION_FEED_SETTINGS.retentionSeconds) },
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': partitionKey },
          }),
          { abortSignal: signal },
        );
        break;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        slot++;
      }
    }
    // Up to our slot, never down: a later writer may already have moved it past.
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: { S: feedHeadKey(region) } },
          UpdateExpression: 'SET #seq = :slot',
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :slot',
          ExpressionAttributeNames: { '#seq': FEED_ATTRIBUTES.seq },
          ExpressionAttributeValues: { ':slot': { N: String(slot) } },
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return slot;
  }

  private async readHead(region: string, signal: AbortSignal | undefined): Promise<number> {
    const response = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: { S: feedHeadKey(region) } },
        ConsistentRead: true,
        ProjectionExpression: '#seq',
        ExpressionAttributeNames: { '#seq': FEED_ATTRIBUTES.seq },
      }),
      { abortSignal: signal },
    );
    const seq = Number(response.Item?.[FEED_ATTRIBUTES.seq]?.N ?? 0);
    return Number.isSafeInteger(seq) && seq > 0 ? seq : 0;
  }

  private region(): Promise<string> {
    this.regionOnce ??= this.options.region !== undefined ? Promise.resolve(this.options.region) : this.client.config.region();
    return this.regionOnce;
  }
}
