/**
 * The revocation feed's two halves against a mocked DynamoDB (aws-sdk-client-mock): the reader
 * refuses to vouch for a read DynamoDB only partly answered and reads nonsense heads as none, and
 * the appender claims the next free slot, never moves a head back, and gives up — rejecting, so
 * the writer's caller knows — when it cannot. The protocol against dynalite is in
 * test/integration/revocation-feed.test.ts.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { REVOCATION_FEED_SETTINGS } from '../../../lambdas/core/config/defaults';
import { feedHeadKey, feedSlotKey } from '../../../lambdas/core/revocation-feed';
import { RevocationFeedAppender } from '../../../lambdas/core/revocation-feed-appender';
import { DynamoDbRevocationFeed } from '../../../lambdas/core/revocation-feed-reader';

const TABLE = 'revocations';
const dynamo = mockClient(DynamoDBClient);
const client = (): DynamoDBClient => new DynamoDBClient({ region: 'us-east-1' });
const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbRevocationFeed', () => {
  it('reads a head that is missing, not a positive whole number, or not asked for as no head', async () => {
    // Prepare
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: {
        [TABLE]: [
          { pk: { S: feedHeadKey('us-east-1') }, seq: { N: '-3' } },
          { pk: { S: feedHeadKey('eu-west-1') }, seq: { N: '2.5' } },
          { pk: { S: feedHeadKey('ap-south-1') }, seq: { N: '9' } },
          { seq: { N: '4' } },
        ],
      },
    });
    // Act
    const heads = await new DynamoDbRevocationFeed(client(), TABLE).heads(['us-east-1', 'eu-west-1']);
    // Assert
    expect(Object.fromEntries(heads)).toEqual({ 'us-east-1': 0, 'eu-west-1': 0 });
    expect(dynamo.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.ConsistentRead).toBe(true);
  });

  it('rejects a read DynamoDB left partly unprocessed, so no instance vouches for slots it did not see', async () => {
    // Prepare
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: [{ pk: { S: feedSlotKey('us-east-1', 1) } }] } },
    });
    // Act
    const read = new DynamoDbRevocationFeed(client(), TABLE).entries([{ region: 'us-east-1', seq: 1 }]);
    // Assert
    await expect(read).rejects.toThrow('left keys unprocessed');
  });

  it('reads slots in batches of 100, skipping items that name no entry', async () => {
    // Prepare
    dynamo.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ pk: { S: string } }> }> }) => ({
      Responses: {
        [TABLE]: (input.RequestItems[TABLE]?.Keys ?? []).map(({ pk }, index) =>
          index === 0 ? { pk } : { pk, entry: { S: `jti#i#${pk.S}` }, revokedBefore: { N: 'NaN' } },
        ),
      },
    }));
    const slots = Array.from({ length: 150 }, (_, index) => ({ region: 'us-east-1', seq: index + 1 }));
    // Act
    const found = await new DynamoDbRevocationFeed(client(), TABLE).entries(slots);
    // Assert
    expect(dynamo.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys?.length)).toEqual([
      100, 50,
    ]);
    expect(found.size).toBe(148);
    expect(found.get('us-east-1#2')).toEqual({ key: `jti#i#${feedSlotKey('us-east-1', 2)}`, revokedBefore: undefined });
  });
});

describe('RevocationFeedAppender', () => {
  it('claims the next free slot above the head in the region it is given, and moves the head up to it', async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({ Item: { seq: { N: '4' } } });
    dynamo.on(PutItemCommand, { Item: { pk: { S: feedSlotKey('eu-west-1', 5) } } }).rejects(conditionFailed());
    dynamo.on(PutItemCommand, { Item: { pk: { S: feedSlotKey('eu-west-1', 6) } } }).resolves({});
    dynamo.on(UpdateItemCommand).resolves({});
    const appender = new RevocationFeedAppender(client(), TABLE, { region: 'eu-west-1' });
    // Act
    const slot = await appender.append({ key: 'sub#i#alice', revokedBefore: 1_700_000_000 });
    // Assert
    expect(slot).toBe(6);
    expect(dynamo.commandCalls(PutItemCommand).at(-1)?.args[0].input.Item).toMatchObject({
      entry: { S: 'sub#i#alice' },
      revokedBefore: { N: '1700000000' },
    });
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: { S: feedHeadKey('eu-west-1') } },
      ExpressionAttributeValues: { ':slot': { N: '6' } },
    });
  });

  it('leaves a head a later writer already moved past its slot', async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({});
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    // Act
    const slot = await new RevocationFeedAppender(client(), TABLE).append({ key: 'jti#i#1', revokedBefore: undefined });
    // Assert
    expect(slot).toBe(1);
  });

  it.each([
    {
      name: `every slot it probes is taken (${REVOCATION_FEED_SETTINGS.maxSlotProbes})`,
      prepare: () => dynamo.on(PutItemCommand).rejects(conditionFailed()),
      message: 'no free slot found',
    },
    {
      name: 'the slot cannot be written',
      prepare: () => dynamo.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException')),
      message: 'ProvisionedThroughputExceededException',
    },
    {
      name: 'the head cannot be moved',
      prepare: () => {
        dynamo.on(PutItemCommand).resolves({});
        dynamo.on(UpdateItemCommand).rejects(new Error('InternalServerError'));
      },
      message: 'InternalServerError',
    },
  ])('rejects when $name', async ({ prepare, message }) => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({ Item: { seq: { N: 'not a number' } } });
    prepare();
    // Act
    const append = new RevocationFeedAppender(client(), TABLE).append({ key: 'jti#i#1', revokedBefore: undefined });
    // Assert
    await expect(append).rejects.toThrow(message);
  });
});
