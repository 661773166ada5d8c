/**
 * Writes revocations: the one implementation behind the `revoke` CLI and the admin Lambda.
 *
 * Every write is idempotent. Revoking a token or session twice rewrites the same item (keeping
 * the later expiry). A subject revocation only ever moves `revokedBefore` forward: a conditional
 * write refuses to replace a later cut-off with an earlier one, and that refusal counts as
 * success, because the subject is already revoked at least that far.
 */
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REVOCATION_ATTRIBUTES, revocationKey } from './revocation-table';

const { partitionKey, expiresAt, revokedAt, revokedBefore, reason: reasonAttribute } = REVOCATION_ATTRIBUTES;

/** The longest a token can live, used to expire subject and session items: one day by default (Cognito's maximum access/ID token lifetime). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

export interface RevokedItem {
  readonly key: string;
  /** Epoch seconds when DynamoDB may delete the item. */
  readonly expiresAt: number;
  readonly revokedBefore?: number;
}

export class RevocationWriter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Revokes one token by its `jti`; the item expires with the token. */
  async revokeToken(input: { issuer: string; jti: string; exp: number; reason?: string }): Promise<RevokedItem> {
    const item = { key: revocationKey('jti', input.issuer, input.jti), expiresAt: Math.ceil(input.exp) };
    await this.put(item, input.reason);
    return item;
  }

  /** Revokes every token sharing a Cognito `origin_jti` (one sign-in and all its refreshes). */
  async revokeSession(input: { issuer: string; originJti: string; maxTokenLifetimeSeconds?: number; reason?: string }): Promise<RevokedItem> {
    const lifetime = input.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    const item = { key: revocationKey('session', input.issuer, input.originJti), expiresAt: this.nowSeconds() + lifetime };
    await this.put(item, input.reason);
    return item;
  }

  /** Revokes every token of `sub` issued before `before` (default: now), i.e. global sign-out. */
  async revokeSubject(input: { issuer: string; sub: string; before?: number; maxTokenLifetimeSeconds?: number; reason?: string }): Promise<RevokedItem> {
    const before = Math.floor(input.before ?? this.nowSeconds());
    const lifetime = input.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    const item = { key: revocationKey('sub', input.issuer, input.sub), expiresAt: before + lifetime, revokedBefore: before };
    try {
      await this.put(item, input.reason, {
        ConditionExpression: 'attribute_not_exists(#pk) OR #rb < :rb',
        ExpressionAttributeNames: { '#pk': partitionKey, '#rb': revokedBefore },
        ExpressionAttributeValues: { ':rb': { N: String(before) } },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return item;
  }

  private async put(item: RevokedItem, reason: string | undefined, condition: Partial<ConstructorParameters<typeof PutItemCommand>[0]> = {}): Promise<void> {
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
    );
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
