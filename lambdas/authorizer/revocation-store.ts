/**
 * Where revocations are read from: a port ({@link RevocationStore}) and its DynamoDB adapter.
 *
 * All keys one token needs (its `jti`, its sign-in session, its subject) are fetched in one
 * strongly consistent `BatchGetItem` round trip. Any failure — network, throttling, timeout, keys left unprocessed —
 * is a {@link RevocationUnavailableError}, which the authorizer turns into a deny: if we cannot
 * tell whether a token is revoked, it does not get in.
 */
import { BatchGetItemCommand, type BatchGetItemCommandOutput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeError } from '../core/error-class';
import { REVOCATION_ATTRIBUTES } from '../core/revocation-table';

/** What the table says about one key. */
export interface RevocationRecord {
  /** Subject items only: tokens issued (iat) before this epoch second are revoked. */
  readonly revokedBefore: number | undefined;
  /** TTL: epoch seconds. */
  readonly expiresAt: number | undefined;
}

/** Looks up revocation items by key; returns the ones that exist. */
export interface RevocationStore {
  lookup(keys: readonly string[]): Promise<ReadonlyMap<string, RevocationRecord>>;
}

export class RevocationUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RevocationUnavailableError';
  }
}

export interface DynamoDbRevocationStoreOptions {
  readonly tableName: string;
  /** Deadline for the whole lookup, SDK retries included. */
  readonly deadlineMs: number;
}

const { partitionKey, revokedBefore, expiresAt } = REVOCATION_ATTRIBUTES;

export class DynamoDbRevocationStore implements RevocationStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoDbRevocationStoreOptions,
  ) {}

  async lookup(keys: readonly string[]): Promise<ReadonlyMap<string, RevocationRecord>> {
    const found = new Map<string, RevocationRecord>();
    if (keys.length === 0) return found;
    const { tableName, deadlineMs } = this.options;
    let response: BatchGetItemCommandOutput;
    try {
      response = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys.map((key) => ({ [partitionKey]: { S: key } })),
              // Strongly consistent: an answer is worth "not revoked as of the instant this read
              // started", which the feed then keeps current (revocation-checker.ts).
              ConsistentRead: true,
              ProjectionExpression: '#pk, #rb, #ex',
              ExpressionAttributeNames: { '#pk': partitionKey, '#rb': revokedBefore, '#ex': expiresAt },
            },
          },
        }),
        { abortSignal: AbortSignal.timeout(deadlineMs) },
      );
    } catch (error) {
      throw new RevocationUnavailableError(`revocation lookup failed: ${describeError(error)}`, { cause: error });
    }
    // Under throttling DynamoDB may answer part of a batch; a partial answer cannot prove "not revoked".
    if ((response.UnprocessedKeys?.[tableName]?.Keys?.length ?? 0) > 0) {
      throw new RevocationUnavailableError('revocation lookup left keys unprocessed (throttled)');
    }
    for (const item of response.Responses?.[tableName] ?? []) {
      const key = item[partitionKey]?.S;
      if (key === undefined) continue;
      found.set(key, { revokedBefore: numberAttribute(item[revokedBefore]?.N), expiresAt: numberAttribute(item[expiresAt]?.N) });
    }
    return found;
  }
}

function numberAttribute(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
