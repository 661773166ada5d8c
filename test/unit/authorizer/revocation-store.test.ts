/**
 * The DynamoDB revocation store: one BatchGetItem for every key, and any doubt is an error.
 */
import { BatchGetItemCommand, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbRevocationStore, RevocationUnavailableError } from '../../../lambdas/authorizer/revocation-store';

const TABLE = 'tollbooth-revocations';
const KEYS = ['jti#https://issuer.example#t1', 'session#https://issuer.example#s1', 'sub#https://issuer.example#alice'];

const dynamo = mockClient(DynamoDBClient);

function createStore(): DynamoDbRevocationStore {
  return new DynamoDbRevocationStore(new DynamoDBClient({ region: 'eu-west-1' }), { tableName: TABLE, deadlineMs: 1000 });
}

afterEach(() => {
  dynamo.reset();
});

describe('revocation-store', () => {
  describe('DynamoDbRevocationStore', () => {
    it('asks for every key in one strongly consistent BatchGetItem, projecting only what it reads', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });
      // Act
      await createStore().lookup(KEYS);
      // Assert
      const calls = dynamo.commandCalls(BatchGetItemCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toEqual({
        RequestItems: {
          [TABLE]: {
            Keys: KEYS.map((key) => ({ pk: { S: key } })),
            ConsistentRead: true,
            ProjectionExpression: '#pk, #rb, #ex',
            ExpressionAttributeNames: { '#pk': 'pk', '#rb': 'revokedBefore', '#ex': 'expiresAt' },
          },
        },
      });
    });

    it('bounds the whole lookup with an abort signal', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });
      // Act
      await createStore().lookup(KEYS);
      // Assert
      // The mock types a call as [command]; the client's options are its second argument.
      const args: readonly unknown[] = dynamo.commandCalls(BatchGetItemCommand)[0]?.args ?? [];
      const options = args[1] as { abortSignal?: unknown } | undefined;
      expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
    });

    it('returns the records that exist, with their numbers parsed', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({
        Responses: {
          [TABLE]: [
            { pk: { S: KEYS[0] ?? '' }, expiresAt: { N: '1800000600' } },
            { pk: { S: KEYS[2] ?? '' }, revokedBefore: { N: '1800000000' }, expiresAt: { N: '1800086400' } },
          ],
        },
      });
      // Act
      const found = await createStore().lookup(KEYS);
      // Assert
      expect([...found.entries()]).toEqual([
        [KEYS[0], { revokedBefore: undefined, expiresAt: 1_800_000_600 }],
        [KEYS[2], { revokedBefore: 1_800_000_000, expiresAt: 1_800_086_400 }],
      ]);
    });

    it('reads numbers it cannot parse as absent and skips items without a key', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({
        Responses: { [TABLE]: [{ pk: { S: KEYS[2] ?? '' }, revokedBefore: { N: 'soon' } }, { revokedBefore: { N: '1' } }] },
      });
      // Act
      const found = await createStore().lookup(KEYS);
      // Assert
      expect([...found.entries()]).toEqual([[KEYS[2], { revokedBefore: undefined, expiresAt: undefined }]]);
    });

    it('finds nothing when the table answers without responses', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({});
      // Act
      const found = await createStore().lookup(KEYS);
      // Assert
      expect(found.size).toBe(0);
    });

    it('makes no call for no keys', async () => {
      // Act
      const found = await createStore().lookup([]);
      // Assert
      expect(found.size).toBe(0);
      expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(0);
    });

    it('fails with RevocationUnavailableError when keys are left unprocessed, even with some answers', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({
        Responses: { [TABLE]: [] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: { S: KEYS[0] ?? '' } }] } },
      });
      // Act
      const lookup = createStore().lookup(KEYS);
      // Assert
      await expect(lookup).rejects.toThrow(RevocationUnavailableError);
      await expect(lookup).rejects.toThrow('left keys unprocessed');
    });

    it('accepts an empty UnprocessedKeys map', async () => {
      // Prepare
      dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: {} });
      // Act
      const found = await createStore().lookup(KEYS);
      // Assert
      expect(found.size).toBe(0);
    });

    it.each([
      {
        name: 'throttling',
        error: new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
        text: 'ProvisionedThroughputExceededException: slow down',
      },
      {
        name: 'a network error',
        error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'TimeoutError' }),
        text: 'TimeoutError: connect ECONNREFUSED',
      },
      { name: 'a non-Error rejection', error: 'boom', text: 'revocation lookup failed: boom' },
    ])('wraps $name in RevocationUnavailableError with its cause', async ({ error, text }) => {
      // Prepare
      dynamo.on(BatchGetItemCommand).callsFake(() => Promise.reject(error));
      // Act
      const outcome = await createStore()
        .lookup(KEYS)
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      // Assert
      expect(outcome).toBeInstanceOf(RevocationUnavailableError);
      expect((outcome as RevocationUnavailableError).name).toBe('RevocationUnavailableError');
      expect((outcome as RevocationUnavailableError).message).toContain(text);
      expect((outcome as RevocationUnavailableError).cause).toBeDefined();
    });
  });
});
