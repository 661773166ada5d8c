/**
 * The embedded DynamoDB (bin/local/local-dynamodb.ts) stopping while requests are in flight:
 * dynalite 4.0.0 alone throws an uncaught `Database is closed` then, which ends the process (and
 * fails this run as an unhandled error); behind the gate, requests that reached it are answered
 * before it closes, and later ones are refused (docs/known-issues.md).
 */
import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startLocalDynamoDb } from '../../bin/local/local-dynamodb';

describe('the embedded DynamoDB', () => {
  it('answers the requests in flight, then closes, without an uncaught error', async () => {
    // Prepare: requests sent 0-19 ms before each close, so some are inside dynalite when it closes
    const outcomes: string[] = [];
    for (let delayMs = 0; delayMs < 20; delayMs++) {
      const db = await startLocalDynamoDb();
      const client = db.client();
      const keys = Array.from({ length: 50 }, (_, n) => ({ pk: { S: `jti#k${n}` } }));
      const pending = client.send(new BatchGetItemCommand({ RequestItems: { [db.tableName]: { Keys: keys, ConsistentRead: true } } })).then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? error.name : 'failed'),
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      // Act
      await db.close();
      outcomes.push(await pending);
      client.destroy();
    }
    // Assert: answered, or refused as the server went away, never anything else
    expect(outcomes).toContain('answered');
    expect(
      outcomes.filter((outcome) => outcome !== 'answered' && outcome !== 'Error' && outcome !== 'ServiceUnavailableException'),
    ).toEqual([]);
  });

  it('tells of each write that succeeded', async () => {
    // Prepare
    let writes = 0;
    const db = await startLocalDynamoDb({ onWrite: () => writes++ });
    const client = db.client();
    // Act
    await client.send(new PutItemCommand({ TableName: db.tableName, Item: { pk: { S: 'jti#a' } } }));
    await client.send(new PutItemCommand({ TableName: 'no-such-table', Item: { pk: { S: 'jti#b' } } })).catch(() => undefined);
    await db.close();
    client.destroy();
    // Assert
    expect(writes).toBe(1);
  });
});
