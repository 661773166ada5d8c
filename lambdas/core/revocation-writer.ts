/**
 * Writes revocations: the one implementation behind the `revoke` CLI, the admin Lambda and the
 * library's users. Every write is announced on the revocation feed (`revocation-feed.ts`) after
 * the row is written and before the write returns, so every instance following the feed refuses
 * the token within about a second of that return.
 *
 * Every write is idempotent and only ever strengthens a revocation. Revoking a token or session
 * again never shortens its expiry: a conditional write refuses to replace a later `expiresAt`
 * with an earlier one (say a `jti` revoked with the token's 7-day `exp`, then again by bare `jti`
 * with the 24-hour default — the TTL would otherwise shrink and the token work again once the row
 * is gone). Likewise a subject revocation only ever moves `revokedBefore` forward. A refused write
 * counts as success: the revocation already stands at least that far — and is announced again
 * anyway, so a caller retrying a write whose announcement failed completes it.
 *
 * The whole write (row, feed slot, feed head; SDK retries included) runs under one deadline,
 * `REVOCATION_FEED_SETTINGS.writeDeadlineMs`.
 */
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REVOCATION_FEED_SETTINGS, REVOCATION_SETTINGS } from './config/defaults';
import { RevocationFeedAppender } from './revocation-feed-appender';
import { REVOCATION_ATTRIBUTES, revocationKey } from './revocation-table';

const { partitionKey, expiresAt, revokedAt, revokedBefore, reason: reasonAttribute } = REVOCATION_ATTRIBUTES;

/**
 * The longest a token can live, used to expire subject and session items unless a call names the
 * deployment's own `revocation.maxTokenLifetimeSeconds` (it must: the authorizer refuses tokens older
 * than that horizon, and a row that expires sooner would let a revoked token work again).
 */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS: number = REVOCATION_SETTINGS.maxTokenLifetimeSeconds.default;

export interface RevokedItem {
  readonly key: string;
  /** Epoch seconds when DynamoDB may delete the item. */
  readonly expiresAt: number;
  readonly revokedBefore?: number;
}

export class RevocationWriter {
  private readonly feed: RevocationFeedAppender;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.feed = new RevocationFeedAppender(client, tableName, { now });
  }

  /** Revokes one token by its `jti`; the item expires with the token. */
  async revokeToken(input: { issuer: string; jti: string; exp: number; reason?: string }): Promise<RevokedItem> {
    const item = { key: revocationKey('jti', input.issuer, input.jti), expiresAt: Math.ceil(input.exp) };
    await this.putUnlessLonger(item, input.reason);
    return item;
  }

  /** Revokes every token sharing a Cognito `origin_jti` (one sign-in and all its refreshes). */
  async revokeSession(input: {
    issuer: string;
    originJti: string;
    maxTokenLifetimeSeconds?: number;
    reason?: string;
  }): Promise<RevokedItem> {
    const lifetime = input.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    const item = { key: revocationKey('session', input.issuer, input.originJti), expiresAt: this.nowSeconds() + lifetime };
    await this.putUnlessLonger(item, input.reason);
    return item;
  }

  /** Revokes every token of `sub` issued before `before` (default: now), i.e. global sign-out. */
  async revokeSubject(input: {
    issuer: string;
    sub: string;
    before?: number;
    maxTokenLifetimeSeconds?: number;
    reason?: string;
  }): Promise<RevokedItem> {
    const before = Math.floor(input.before ?? this.nowSeconds());
    const lifetime = input.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    const item = { key: revocationKey('sub', input.issuer, input.sub), expiresAt: before + lifetime, revokedBefore: before };
    await this.putIf(item, input.reason, revokedBefore, before);
    return item;
  }

  /** Writes a token or session item unless one expiring later is already there. */
  private putUnlessLonger(item: RevokedItem, reason: string | undefined): Promise<void> {
    return this.putIf(item, reason, expiresAt, item.expiresAt);
  }

  /**
   * Writes the item unless it exists with `attribute` ≥ `value` (that refusal is success), then
   * announces it on the feed — row first: a slot is only ever claimed for a row already written.
   */
  private async putIf(item: RevokedItem, reason: string | undefined, attribute: string, value: number): Promise<void> {
    const signal = AbortSignal.timeout(REVOCATION_FEED_SETTINGS.writeDeadlineMs);
    try {
      await this.put(
        item,
        reason,
        {
          ConditionExpression: 'attribute_not_exists(#pk) OR #attr < :value',
          ExpressionAttributeNames: { '#pk': partitionKey, '#attr': attribute },
          ExpressionAttributeValues: { ':value': { N: String(value) } },
        },
        signal,
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    await this.feed.append({ key: item.key, revokedBefore: item.revokedBefore }, signal);
  }

  private async put(
    item: RevokedItem,
    reason: string | undefined,
    condition: Partial<ConstructorParameters<typeof PutItemCommand>[0]>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          [partitionKey]: { S: item.key },
          [expiresAt]: { N: String(item.expiresAt) },
          [revokedAt]: { N: String(this.nowSeconds()) },
          ...(item.revokedBefore === undefined ? {} : { [revokedBefore]: { N: String(item.revokedBefore) } }),
          ...(reason ? { [reasonAttribute]: { S: reason.slice(0, 500) } } : {}),
        },
        ...condition,
      }),
      { abortSignal: signal },
    );
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
